namespace Parley.Hosting;

/// <summary>Converts <see cref="ProviderKind"/> to and from the names used in the config file.</summary>
internal static class ProviderKindNames
{
    /// <summary>The names accepted in the config file, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = ["openai", "openai-compatible", "azure-openai", "ollama", "gguf"];

    /// <summary>The config-file name of a kind.</summary>
    public static string ToName(ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAI => "openai",
        ProviderKind.OpenAICompatible => "openai-compatible",
        ProviderKind.AzureOpenAI => "azure-openai",
        ProviderKind.Ollama => "ollama",
        ProviderKind.Gguf => "gguf",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Parses a config-file name; false when it is not a known kind.</summary>
    public static bool TryParse(string? name, out ProviderKind kind)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "openai": kind = ProviderKind.OpenAI; return true;
            case "openai-compatible": kind = ProviderKind.OpenAICompatible; return true;
            case "azure-openai" or "azure": kind = ProviderKind.AzureOpenAI; return true;
            case "ollama": kind = ProviderKind.Ollama; return true;
            case "gguf": kind = ProviderKind.Gguf; return true;
            default: kind = default; return false;
        }
    }
}
