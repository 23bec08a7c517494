using System.Text.Json;

namespace Parley.Hosting;

/// <summary>
/// Sits under OllamaSharp's <see cref="HttpClient"/> and turns Ollama's error answers into
/// <see cref="ParleyApiException"/> before OllamaSharp sees them (it keeps only the status of most errors and drops
/// the <c>{"error": "…"}</c> body): a 404 for a model becomes "model X is not installed: run `ollama pull X`".
/// NDJSON bodies are read through <see cref="OllamaErrorLineStream"/>, which reports an error line sent mid-stream.
/// </summary>
internal sealed class OllamaHttpHandler : DelegatingHandler
{
    /// <summary>The <see cref="ParleyApiException.ErrorCode"/> of "model X is not installed".</summary>
    public const string ModelNotInstalledCode = "model_not_installed";

    public OllamaHttpHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <summary>The error for a model Ollama does not have.</summary>
    public static ParleyApiException ModelNotInstalled(string model, Exception? innerException = null) => new(
        ApiFailureKind.HttpError,
        $"model {model} is not installed: run `ollama pull {model}`",
        statusCode: 404,
        errorCode: ModelNotInstalledCode,
        innerException: innerException);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ErrorFromAsync(request, response, cancellationToken).ConfigureAwait(false);
            }
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.Contains("ndjson", StringComparison.OrdinalIgnoreCase))
        {
            var original = response.Content;
            var stream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var wrapped = new StreamContent(new OllamaErrorLineStream(stream));
            foreach (var header in original.Headers)
            {
                wrapped.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = wrapped;
        }

        return response;
    }

    private static async Task<ParleyApiException> ErrorFromAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            body = string.Empty;
        }

        var message = ReadError(body);
        var model = await ReadModelAsync(request, cancellationToken).ConfigureAwait(false);
        if (status == 404 && model is not null && message is not null && message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return ModelNotInstalled(model);
        }

        message ??= body.Trim().Length == 0
            ? "the server sent no error details"
            : body.TrimStart().StartsWith('<')
                ? "the server (or a proxy in front of it) answered with an HTML page instead of JSON"
                : Truncate(body.Trim(), 300);
        return new ParleyApiException(ApiFailureKind.HttpError, message, status);
    }

    /// <summary>Reads Ollama's <c>{"error": "…"}</c> (or OpenAI's <c>{"error": {"message": …}}</c>); null when the body is neither.</summary>
    internal static string? ReadError(string body) => ApiErrorTranslator.ReadErrorBody(body).Message;

    private static async Task<string?> ReadModelAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null)
        {
            return null;
        }

        try
        {
            var text = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(text);
            foreach (var name in (ReadOnlySpan<string>)["model", "name"])
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty(name, out var value)
                    && value.ValueKind == JsonValueKind.String
                    && value.GetString() is { Length: > 0 } model)
                {
                    return model;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or HttpRequestException)
        {
            // No readable model: the generic error is reported.
        }

        return null;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
