using System.Globalization;

namespace Parley.Server;

/// <summary>The gateway's own errors, in OpenAI's shape with the status an OpenAI SDK maps to its typed exception.</summary>
internal static class GatewayErrors
{
    public const string InvalidRequest = "invalid_request_error";

    public static GatewayError InvalidApiKey() =>
        new(401, InvalidRequest, "invalid_api_key", "Incorrect or missing API key: send a Parley virtual key as 'Authorization: Bearer <key>'.");

    public static GatewayError InvalidJson(string detail) =>
        new(400, InvalidRequest, "invalid_json", $"We could not parse the JSON body of your request: {detail}");

    public static GatewayError InvalidBody(string message, string? param) => new(400, InvalidRequest, "invalid_value", message, param);

    public static GatewayError BodyTooLarge(long limit) =>
        new(413, InvalidRequest, "request_too_large", string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the gateway's limit of {limit} bytes."));

    public static GatewayError ModelNotFound(string model) =>
        new(404, InvalidRequest, "model_not_found", $"The model '{model}' does not exist or you do not have access to it.", "model");

    public static GatewayError ContextLengthExceeded(int window, long prompt, long completion) =>
        new(400, InvalidRequest, "context_length_exceeded", string.Create(CultureInfo.InvariantCulture,
            $"This model's maximum context length is {window} tokens. However, you requested {prompt + completion} tokens ({prompt} in the messages, {completion} in the completion). Please reduce the length of the messages or completion."),
            "messages");

    public static GatewayError UnsupportedUpstream(string provider) =>
        new(501, "server_error", "unsupported_upstream", $"The gateway cannot forward to provider '{provider}' (Azure OpenAI is not supported by parley serve yet).");

    public static GatewayError MissingUpstreamKey(string provider) =>
        new(503, "server_error", "upstream_not_configured", $"The gateway has no API key for provider '{provider}'.");

    public static GatewayError UpstreamUnreachable(string provider) =>
        new(502, "server_error", "upstream_unreachable", $"The gateway could not reach provider '{provider}'.");

    /// <summary>The store (keys, budgets, rate limits) cannot be reached: 503, which OpenAI's SDKs retry, with <c>Retry-After: 1</c>.</summary>
    public static GatewayError StorageUnavailable() =>
        new(503, "server_error", "service_unavailable", "The gateway's database is unavailable right now, so the request was not sent; try again shortly.")
        {
            Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
        };

    public static GatewayError Internal() =>
        new(500, "server_error", "internal_error", "The gateway failed to handle the request.");

    public static GatewayError UpstreamTimeout(string provider) =>
        new(504, "server_error", "upstream_timeout", $"Provider '{provider}' did not answer in time.");

    public static GatewayError InvalidUpstreamResponse(string provider) =>
        new(502, "server_error", "invalid_upstream_response", $"Provider '{provider}' answered with something that is not a valid chat completion.");

    /// <summary>The summary call of <c>X-Parley-Context: summarize</c> failed (after Parley's retries): nothing was sent to the model.</summary>
    public static GatewayError SummaryFailed(int status, string provider, string detail) =>
        new(status, "server_error", "summary_failed",
            $"The summary call to provider '{provider}' failed ({detail.TrimEnd('.')}), so nothing was sent to the model; try again, or use X-Parley-Context: budget.");
}
