namespace Parley.Hosting;

/// <summary>Everything needed to talk to one provider, after flags, environment, .env and config were layered.</summary>
public sealed record ResolvedProvider
{
    /// <summary>The provider's name (<c>openai</c>, <c>ollama</c>, or a config entry).</summary>
    public required string Name { get; init; }

    /// <summary>The wire protocol.</summary>
    public required ProviderKind Kind { get; init; }

    /// <summary>The API base URL.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The key, or null when the provider needs none. Never log or print it.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The environment variable the key is read from, if any.</summary>
    public string? ApiKeyVariable { get; init; }

    /// <summary>The model to use, aliases already expanded.</summary>
    public required string Model { get; init; }

    /// <summary>Azure OpenAI's <c>api-version</c>.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>
    /// For a <see cref="ProviderKind.Gguf"/> provider: the file and how to open it (from the config's <c>gguf</c> entry
    /// named by the model, or the path given); null for other kinds.
    /// </summary>
    public GgufModelSettings? Gguf { get; init; }

    /// <summary>Model aliases of this provider.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Every secret known when this provider was resolved (all configured keys and URL secrets); error messages and
    /// saved errors are masked with it. Register more (e.g. a gateway's virtual keys) with <see cref="SecretRedactor.Add"/>.
    /// </summary>
    public SecretRedactor Secrets { get; init; } = new();

    /// <summary>A copy with the key replaced by <c>***</c> (safe to show).</summary>
    public override string ToString() =>
        $"{Name} ({ProviderKindNames.ToName(Kind)}) {SecretRedactor.RedactUrl(BaseUrl)} model={Model} key={(ApiKey is null ? "none" : SecretMasker.Mask(ApiKey))}";
}
