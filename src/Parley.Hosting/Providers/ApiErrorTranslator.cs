using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;

namespace Parley.Hosting;

/// <summary>
/// Turns the exceptions of the OpenAI SDK and of <see cref="HttpClient"/> into <see cref="ParleyApiException"/>, and is
/// the one point where server text leaves the provider layer: every message it passes on (HTTP error bodies, error
/// frames inside a stream, connection errors) has the known secrets masked and is bounded to an excerpt.
/// </summary>
internal sealed class ApiErrorTranslator
{
    private readonly Uri _endpoint;
    private readonly SecretRedactor _secrets;

    /// <param name="endpoint">The provider's base URL (its password and key-like query values are masked too).</param>
    /// <param name="apiKey">The provider's key.</param>
    /// <param name="secrets">Every other secret known (other providers' keys, a gateway's virtual keys); not changed.</param>
    public ApiErrorTranslator(Uri endpoint, string? apiKey, SecretRedactor? secrets = null)
    {
        _endpoint = endpoint;
        _secrets = (secrets ?? new SecretRedactor()).Extend();
        _secrets.Add(apiKey);
        _secrets.AddUrl(endpoint);
    }

    /// <summary>Translates <paramref name="exception"/>; null when it is not a provider failure (e.g. user cancellation).</summary>
    public ParleyApiException? Translate(Exception exception, bool userCancelled) =>
        TranslateCore(exception, userCancelled) is { } translated ? Scrub(translated) : null;

    /// <summary>
    /// <paramref name="error"/> with its message masked and bounded (the same instance when there was nothing to change).
    /// </summary>
    public ParleyApiException Scrub(ParleyApiException error)
    {
        var message = ErrorExcerpt.Of(_secrets.Redact(error.Message));
        return string.Equals(message, error.Message, StringComparison.Ordinal)
            ? error
            : new ParleyApiException(error.Kind, message, error.StatusCode, error.ErrorType, error.ErrorCode, error.RetryAfter, error.InnerException)
            {
                PartialText = error.PartialText,
            };
    }

    private ParleyApiException? TranslateCore(Exception exception, bool userCancelled)
    {
        return exception switch
        {
            ParleyApiException already => already,
            _ when userCancelled => null,
            ClientResultException result when result.Status != 0 => FromResponse(result),
            ClientResultException { InnerException: { } inner } => Translate(inner, userCancelled),
            HttpRequestException http => FromHttp(http),
            OperationCanceledException timeout => new ParleyApiException(
                ApiFailureKind.Timeout, $"no answer from {Host} in time", innerException: timeout),
            TimeoutException timeout => new ParleyApiException(
                ApiFailureKind.Timeout, $"no answer from {Host} in time: {timeout.Message}", innerException: timeout),
            IOException io => new ParleyApiException(
                ApiFailureKind.StreamInterrupted, $"the connection to {Host} broke: {io.Message}", innerException: io),
            JsonException json => new ParleyApiException(
                ApiFailureKind.InvalidResponse, $"{Host} sent a response that is not valid JSON: {FirstLine(json.Message)}", innerException: json),
            FormatException or InvalidOperationException or KeyNotFoundException => new ParleyApiException(
                ApiFailureKind.InvalidResponse, $"{Host} sent a response Parley cannot read: {FirstLine(exception.Message)}", innerException: exception),
            _ => null,
        };
    }

    private string Host => SecretRedactor.Authority(_endpoint);

    private ParleyApiException FromResponse(ClientResultException result)
    {
        var response = result.GetRawResponse();
        var status = result.Status;
        string? message = null, type = null, code = null;
        var contentType = string.Empty;
        string body = string.Empty;
        TimeSpan? retryAfter = null;
        if (response is not null)
        {
            response.Headers.TryGetValue("Content-Type", out var ct);
            contentType = ct ?? string.Empty;
            retryAfter = ReadRetryAfter(response.Headers);
            try
            {
                body = response.Content?.ToString() ?? string.Empty;
            }
            catch (InvalidOperationException)
            {
                body = string.Empty;
            }

            (message, type, code) = ReadErrorBody(body);
        }

        if (message is null)
        {
            message = contentType.Contains("html", StringComparison.OrdinalIgnoreCase) || body.TrimStart().StartsWith('<')
                ? $"the server (or a proxy in front of it) answered with an HTML page instead of JSON"
                : body.Length == 0 ? "the server sent no error details" : Truncate(body.Trim(), 300);
        }

        return new ParleyApiException(ApiFailureKind.HttpError, message, status, type, code, retryAfter, result);
    }

    private ParleyApiException FromHttp(HttpRequestException http)
    {
        var socket = FindInner<SocketException>(http);
        var kind = http.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => ApiFailureKind.HostNotFound,
            HttpRequestError.SecureConnectionError => ApiFailureKind.Tls,
            // Before any response header: the server closed the connection without answering (a restart, an idle
            // keep-alive connection it had dropped). Nothing was received, so it is retried like any failed connection.
            HttpRequestError.ResponseEnded => ApiFailureKind.ConnectionFailed,
            _ when socket?.SocketErrorCode == SocketError.ConnectionRefused => ApiFailureKind.ConnectionRefused,
            _ when socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => ApiFailureKind.HostNotFound,
            _ when FindInner<AuthenticationException>(http) is not null => ApiFailureKind.Tls,
            _ => ApiFailureKind.ConnectionFailed,
        };
        var message = kind switch
        {
            ApiFailureKind.ConnectionRefused => $"cannot connect to {Host}: connection refused",
            ApiFailureKind.HostNotFound => $"cannot resolve the host {_endpoint.Host}",
            ApiFailureKind.Tls => $"the TLS handshake with {Host} failed: {FindInner<AuthenticationException>(http)?.Message ?? http.Message}",
            _ when http.HttpRequestError == HttpRequestError.ResponseEnded => $"{Host} closed the connection without responding",
            _ => $"the connection to {Host} failed: {http.Message}",
        };
        return new ParleyApiException(kind, message, innerException: http);
    }

    internal static (string? Message, string? Type, string? Code) ReadErrorBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var error))
            {
                return (null, null, null);
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return (error.GetString(), null, null);
            }

            if (error.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            return (Text(error, "message"), Text(error, "type"), Text(error, "code"));
        }
        catch (JsonException)
        {
            return (null, null, null);
        }

        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;
    }

    internal static TimeSpan? ReadRetryAfter(PipelineResponseHeaders headers)
    {
        if (headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (headers.TryGetValue("retry-after", out var value) && value is not null)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end >= 0 ? text[..end] : text;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private static T? FindInner<T>(Exception e)
        where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}
