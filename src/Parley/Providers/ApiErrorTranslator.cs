using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;

namespace Parley;

/// <summary>Turns the exceptions of the OpenAI SDK and of <see cref="HttpClient"/> into <see cref="ParleyApiException"/>.</summary>
internal sealed class ApiErrorTranslator
{
    private readonly Uri _endpoint;
    private readonly string? _secret;

    public ApiErrorTranslator(Uri endpoint, string? secret)
    {
        _endpoint = endpoint;
        _secret = secret;
    }

    /// <summary>Translates <paramref name="exception"/>; null when it is not a provider failure (e.g. user cancellation).</summary>
    public ParleyApiException? Translate(Exception exception, bool userCancelled)
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
                ApiFailureKind.Timeout, $"no answer from {Host} in time: {Clean(timeout.Message)}", innerException: timeout),
            IOException io => new ParleyApiException(
                ApiFailureKind.StreamInterrupted, $"the connection to {Host} broke: {Clean(io.Message)}", innerException: io),
            JsonException json => new ParleyApiException(
                ApiFailureKind.InvalidResponse, $"{Host} sent a response that is not valid JSON: {Clean(FirstLine(json.Message))}", innerException: json),
            FormatException or InvalidOperationException or KeyNotFoundException => new ParleyApiException(
                ApiFailureKind.InvalidResponse, $"{Host} sent a response Parley cannot read: {Clean(FirstLine(exception.Message))}", innerException: exception),
            _ => null,
        };
    }

    private string Host => _endpoint.GetLeftPart(UriPartial.Authority);

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

        return new ParleyApiException(ApiFailureKind.HttpError, Clean(message), status, type, code, retryAfter, result);
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
            ApiFailureKind.Tls => $"the TLS handshake with {Host} failed: {Clean(FindInner<AuthenticationException>(http)?.Message ?? http.Message)}",
            _ when http.HttpRequestError == HttpRequestError.ResponseEnded => $"{Host} closed the connection without responding",
            _ => $"the connection to {Host} failed: {Clean(http.Message)}",
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

    private string Clean(string text) => SecretMasker.Redact(text, _secret);

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
