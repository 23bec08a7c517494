namespace Parley.Hosting;

/// <summary>How <see cref="OllamaContextSizeChatClient"/> sizes Ollama's <c>num_ctx</c>. Null properties mean Parley's default.</summary>
public sealed class OllamaContextSizeOptions
{
    /// <summary>The sizes <c>num_ctx</c> is rounded up to (default <see cref="OllamaContextSizeChatClient.DefaultSizes"/>).</summary>
    public IReadOnlyList<int>? Sizes { get; set; }

    /// <summary>Tokens kept free for the answer when no <c>MaxOutputTokens</c> is set (default <see cref="OllamaContextSizeChatClient.DefaultReserveOutputTokens"/>).</summary>
    public int? ReserveOutputTokens { get; set; }

    /// <summary>Counts (estimates) the prompt's tokens (null: a new <see cref="Parley.TokenCounter"/>).</summary>
    public TokenCounter? TokenCounter { get; set; }

    /// <summary>Model facts used for counting and as the fallback window (null: <see cref="ModelCatalog.BuiltIn"/>).</summary>
    public ModelCatalog? Catalog { get; set; }

    /// <summary>The model used when a request names none.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>
    /// Asks the server for a model's trained context length (e.g. <see cref="OllamaModelCatalog.GetContextLengthAsync"/>);
    /// null, or a null answer, falls back to the catalog's context window.
    /// </summary>
    public Func<string, CancellationToken, Task<int?>>? ContextLength { get; set; }
}
