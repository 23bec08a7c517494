namespace Parley.TestServer;

/// <summary>Settings for a <see cref="LoopbackServer"/>. Null or empty means "server default".</summary>
public sealed class LoopbackServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 (the default) picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>
    /// When set, a chat-completions request whose size (words of all message contents + 3 per message + 3)
    /// exceeds this gets OpenAI's 400 <c>context_length_exceeded</c> error. Also settable at runtime
    /// through <see cref="LoopbackServer.ContextWindow"/>.
    /// </summary>
    public int? ContextWindow { get; set; }

    /// <summary>
    /// When true, the default echo reply is cut to the request's <c>max_tokens</c> (or <c>max_completion_tokens</c>)
    /// words with finish reason <c>length</c>, as a real server stops at the output limit. Off by default.
    /// </summary>
    public bool TruncateToMaxTokens { get; set; }

    /// <summary>
    /// When set, OpenAI routes require <c>Authorization: Bearer {ApiKey}</c> and answer 401
    /// <c>invalid_api_key</c> otherwise. Null (the default) accepts any or no key.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Counts a chat request's <c>usage.prompt_tokens</c> from the messages it received (role and content each), the way
    /// a real server's tokenizer does; null (the default) counts words (<c>3 + per message 3 + words</c>). A script's
    /// own <c>prompt_tokens</c> still wins.
    /// </summary>
    public Func<IReadOnlyList<(string Role, string Content)>, int>? PromptTokenCounter { get; set; }

    /// <summary>
    /// When set, only the last this-many requests are kept for <see cref="LoopbackServer.Requests"/> (older ones are
    /// dropped), so a long load run does not hold every body it received; null (the default) keeps them all.
    /// </summary>
    public int? KeepRequests { get; set; }

    /// <summary>Model ids listed by <c>GET /v1/models</c>.</summary>
    public IList<string> Models { get; set; } = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "o3-mini"];

    /// <summary>
    /// Models "installed" in the Ollama emulation (<c>GET /api/tags</c>, <c>POST /api/show</c>).
    /// When non-empty, Ollama routes answer 404 for any other model; when empty, every model is accepted.
    /// </summary>
    public IList<OllamaModel> OllamaModels { get; set; } =
    [
        new("llama3.2:latest") { Family = "llama", ParameterSize = "3.2B", Size = 2_019_393_189, ContextLength = 131_072 },
        new("llama3:latest") { Family = "llama", ParameterSize = "8.0B", Size = 4_661_224_676, ContextLength = 8_192 },
        new("gemma3:1b") { Family = "gemma3", ParameterSize = "999.89M", Size = 815_319_791, ContextLength = 32_768 },
        new("qwen3:0.6b") { Family = "qwen3", ParameterSize = "751.63M", Size = 522_653_767, ContextLength = 40_960 },
    ];

    /// <summary>Version reported by <c>GET /api/version</c>.</summary>
    public string OllamaVersion { get; set; } = "0.12.3";
}
