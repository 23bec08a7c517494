namespace Parley.Llama;

/// <summary>How a GGUF model is opened. Null properties take the file's or llama.cpp's defaults.</summary>
public sealed record GgufModelOptions
{
    /// <summary>The model's id in Parley (history, usage, the catalog), or null to use the file path.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// The context to allocate, in tokens, or null for the context the model was trained with. Never more than that:
    /// a larger value is capped to <c>llama.context_length</c> from the file.
    /// </summary>
    public int? ContextSize { get; init; }

    /// <summary>The CPU threads llama.cpp uses, or null to let it choose.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// A chat template to use instead of the file's: a name llama.cpp knows (<c>chatml</c>, <c>llama3</c>,
    /// <c>mistral-v7</c>, …). Null uses the file's template, and ChatML when the file has none.
    /// </summary>
    public string? ChatTemplate { get; init; }

    /// <summary>US dollars per million input tokens (electricity, GPU hours); null means free (<c>$0</c>).</summary>
    public decimal? InputPerMillion { get; init; }

    /// <summary>US dollars per million output tokens; null means free (<c>$0</c>).</summary>
    public decimal? OutputPerMillion { get; init; }
}
