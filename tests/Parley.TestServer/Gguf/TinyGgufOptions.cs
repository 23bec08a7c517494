namespace Parley.TestServer.Gguf;

/// <summary>The shape of a tiny llama-architecture model written by <see cref="TinyGguf"/>.</summary>
public sealed record TinyGgufOptions
{
    /// <summary>The context the model says it was trained with (<c>llama.context_length</c>).</summary>
    public int ContextLength { get; init; } = 256;

    /// <summary>The width of the hidden state.</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>The number of transformer blocks.</summary>
    public int BlockCount { get; init; } = 2;

    /// <summary>The width of the feed-forward layer.</summary>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary>The attention heads.</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary>The seed of the weights: the same seed writes the same file.</summary>
    public int Seed { get; init; } = 20;

    /// <summary>The chat template stored as <c>tokenizer.chat_template</c>, or null to store none.</summary>
    public string? ChatTemplate { get; init; } = TinyGguf.ChatMLTemplate;

    /// <summary>The model's name (<c>general.name</c>).</summary>
    public string Name { get; init; } = "tiny-llama";
}
