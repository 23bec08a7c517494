namespace Parley.Hosting;

/// <summary>
/// The providers that exist without any configuration: <c>openai</c>, <c>ollama</c> and <c>ollama-openai</c>; and the
/// <c>gguf:</c> prefix (<see cref="GgufName"/>), which names a local file rather than a server.
/// </summary>
public static class BuiltInProviders
{
    /// <summary>The name of the OpenAI provider.</summary>
    public const string OpenAIName = "openai";

    /// <summary>The name of the local Ollama provider (Ollama's native API).</summary>
    public const string OllamaName = "ollama";

    /// <summary>The name of the local Ollama provider through its OpenAI-compatible <c>/v1</c> endpoint.</summary>
    public const string OllamaOpenAIName = "ollama-openai";

    /// <summary>The name of the in-process GGUF provider: <c>gguf:PATH</c> or <c>gguf:NAME</c> (a <c>gguf</c> entry of the config).</summary>
    public const string GgufName = "gguf";

    /// <summary>The model used when nothing names one.</summary>
    public const string DefaultOpenAIModel = "gpt-4o-mini";

    /// <summary>The Ollama model used when nothing names one.</summary>
    public const string DefaultOllamaModel = "llama3.2";

    /// <summary>The built-in settings, given the environment (<c>OPENAI_BASE_URL</c>, <c>OLLAMA_HOST</c>).</summary>
    public static IReadOnlyDictionary<string, ProviderSettings> Create(EnvironmentSource environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new Dictionary<string, ProviderSettings>(StringComparer.OrdinalIgnoreCase)
        {
            [OpenAIName] = new()
            {
                Kind = "openai",
                BaseUrl = "https://api.openai.com/v1",
                ApiKeyEnv = "OPENAI_API_KEY",
                DefaultModel = DefaultOpenAIModel,
            },
            [OllamaName] = new()
            {
                Kind = "ollama",
                BaseUrl = OllamaAddress(environment.Get("OLLAMA_HOST")),
                DefaultModel = DefaultOllamaModel,
            },
            [OllamaOpenAIName] = new()
            {
                Kind = "openai-compatible",
                BaseUrl = OllamaAddress(environment.Get("OLLAMA_HOST")) + "/v1",
                DefaultModel = DefaultOllamaModel,
            },
        };
    }

    /// <summary>Ollama's address as the ollama CLI reads <c>OLLAMA_HOST</c> (<c>host</c>, <c>host:port</c> or a URL).</summary>
    public static string OllamaAddress(string? ollamaHost)
    {
        if (string.IsNullOrWhiteSpace(ollamaHost))
        {
            return "http://localhost:11434";
        }

        var value = ollamaHost.Trim().TrimEnd('/');
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "http://" + value;
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            var host = uri.Host == "0.0.0.0" ? "127.0.0.1" : uri.Host;
            var port = uri.IsDefaultPort && !ollamaHost.Contains(':' + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                ? 11434
                : uri.Port;
            return $"{uri.Scheme}://{host}:{port}{uri.AbsolutePath.TrimEnd('/')}";
        }

        return value;
    }
}
