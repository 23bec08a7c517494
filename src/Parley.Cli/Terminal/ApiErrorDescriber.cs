namespace Parley.Cli;

/// <summary>Turns a provider failure into one line that says what happened and what to do.</summary>
internal static class ApiErrorDescriber
{
    public static string Describe(ParleyApiException error, ResolvedProvider provider)
    {
        ArgumentNullException.ThrowIfNull(error);
        var keyHint = provider.ApiKeyVariable ?? "the provider's api_key_env";
        var text = error.Message;
        var baseUrl = SecretRedactor.RedactUrl(provider.BaseUrl);
        return error.Kind switch
        {
            ApiFailureKind.HttpError => error.StatusCode switch
            {
                401 => $"authentication failed (401): {text} — check {keyHint} (or --api-key)",
                403 => $"access denied (403): {text} — this key or organization cannot use this model or endpoint",
                404 when error.ErrorCode == "model_not_installed" => text,
                404 => $"not found (404): {text} — check the model name (-m {provider.Model}) and the base URL {baseUrl}",
                429 when error.IsInsufficientQuota => $"out of credit: check your plan and billing ({text})",
                429 => $"rate limited (429): {text} — wait a moment and try again",
                400 when error.IsContextLengthExceeded => $"the prompt is too long for the model: {text}",
                400 or 422 => $"the request was rejected ({error.StatusCode}): {text}",
                >= 500 => $"server error ({error.StatusCode}) from {SecretRedactor.Authority(provider.BaseUrl)}: {text} — try again later",
                null => $"the server reported an error: {text}",
                _ => $"request failed ({error.StatusCode}): {text}",
            },
            ApiFailureKind.ConnectionRefused when provider.Kind == ProviderKind.Ollama => $"{text} — is Ollama running? (start it with `ollama serve`, or set OLLAMA_HOST to its address)",
            ApiFailureKind.ConnectionRefused => $"{text} — is the server running? (check --base-url, OPENAI_BASE_URL or the provider's base_url)",
            ApiFailureKind.HostNotFound => $"{text} — check the base URL and your network connection",
            ApiFailureKind.Tls => $"{text} — check the URL's scheme (http or https) and the server's certificate",
            ApiFailureKind.Timeout => $"{text} — the server may be overloaded or unreachable; try again",
            ApiFailureKind.StreamInterrupted when error.PartialText.Length > 0 => $"{text}; the partial answer was kept",
            ApiFailureKind.InvalidResponse when provider.Kind == ProviderKind.Ollama => $"{text} — is {baseUrl} an Ollama server?",
            ApiFailureKind.InvalidResponse => $"{text} — is {baseUrl} an OpenAI-compatible API?",
            _ => text,
        };
    }
}
