namespace Parley.Hosting;

/// <summary>Transport settings for the clients <see cref="ChatClientFactory"/> builds. Null = Parley's default.</summary>
public sealed record ChatClientFactoryOptions
{
    /// <summary>How long to wait for a TCP/TLS connection (default 10 s).</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>
    /// Which request field carries the output limit: <c>max_completion_tokens</c> (OpenAI's current name) or
    /// <c>max_tokens</c> (older models and most OpenAI-compatible servers). Null: <c>max_completion_tokens</c> for the
    /// OpenAI kinds, <c>max_tokens</c> for OpenAI-compatible servers.
    /// </summary>
    public string? MaxTokensField { get; init; }

    /// <summary>A handler to send requests through (tests, proxies). The factory does not dispose it.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Model facts for clients that need them (Ollama's <c>num_ctx</c> sizing); null: <see cref="ModelCatalog.BuiltIn"/>.</summary>
    public ModelCatalog? Catalog { get; init; }

    /// <summary>Counts prompt tokens for clients that need it (Ollama's <c>num_ctx</c> sizing); null: a new counter.</summary>
    public TokenCounter? TokenCounter { get; init; }
}
