using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Parley.Server;

/// <summary>
/// Sends a chat request upstream with Parley's retry policy (<see cref="RetryPolicy"/>: 429, 5xx and connection
/// failures, backoff or <c>retry-after</c>). A response is handed over once its headers arrive (a stream is never
/// retried after that); a failure that is not retried, or the last one, becomes an OpenAI-shaped error carrying the
/// upstream's status, its message masked of every configured secret.
/// </summary>
internal sealed class UpstreamSender
{
    private readonly GatewaySources _sources;

    public UpstreamSender(GatewaySources sources) => _sources = sources;

    /// <summary>The successful response (headers read), or the error to answer with.</summary>
    public async Task<(HttpResponseMessage? Response, GatewayError? Error)> SendAsync(UpstreamRoute route, byte[] body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, route.ChatUrl);
            UpstreamRegistry.Authorize(request, route.Provider);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            ParleyApiException failure;
            GatewayError error;
            try
            {
                var response = await route.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return (response, null);
                }

                using (response)
                {
                    (failure, error) = await ReadErrorAsync(route, response, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
            {
                var refused = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
                failure = new ParleyApiException(refused ? ApiFailureKind.ConnectionRefused : ApiFailureKind.ConnectionFailed, "upstream connection failed", innerException: e);
                error = GatewayErrors.UpstreamUnreachable(route.Provider.Name);
            }

            if (!_sources.Retry.ShouldRetry(failure, attempt, cancellationToken))
            {
                return (null, error);
            }

            await _sources.Retry.WaitBeforeRetryAsync(failure, attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(ParleyApiException, GatewayError)> ReadErrorAsync(UpstreamRoute route, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? message = null, type = null, code = null, param = null;
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object)
            {
                message = Text(error, "message");
                type = Text(error, "type");
                code = Text(error, "code");
                param = Text(error, "param");
            }
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            // Not OpenAI's shape: the status speaks for itself.
        }

        var retryAfter = RetryAfter(response.Headers);
        var failure = new ParleyApiException(ApiFailureKind.HttpError, "upstream error", status, type, code, retryAfter);
        var text = message is null
            ? $"Provider '{route.Provider.Name}' answered HTTP {status.ToString(CultureInfo.InvariantCulture)}."
            : _sources.Secrets.Redact(message);
        var gatewayError = new GatewayError(status, type ?? (status >= 500 ? "server_error" : GatewayErrors.InvalidRequest), code ?? "upstream_error", text, param);
        if (retryAfter is { } wait)
        {
            gatewayError = gatewayError with
            {
                Headers = new Dictionary<string, string> { ["retry-after"] = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture) },
            };
        }

        return (failure, gatewayError);
    }

    private static TimeSpan? RetryAfter(HttpResponseHeaders headers)
    {
        if (headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            return retryAfter.Delta ?? (retryAfter.Date is { } date ? Max(date - DateTimeOffset.UtcNow) : null);
        }

        return null;

        static TimeSpan Max(TimeSpan wait) => wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
