namespace Parley.Hosting;

/// <summary>A model installed in an Ollama server, as <c>/api/tags</c> lists it and <c>/api/show</c> describes it.</summary>
public sealed record OllamaInstalledModel
{
    /// <summary>The full name with its tag, e.g. <c>llama3.2:latest</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The size on disk in bytes (0 when the server did not say).</summary>
    public long SizeBytes { get; init; }

    /// <summary>The model family (<c>details.family</c>, e.g. <c>llama</c>), or null.</summary>
    public string? Family { get; init; }

    /// <summary>The parameter count as Ollama writes it (<c>details.parameter_size</c>, e.g. <c>3.2B</c>), or null.</summary>
    public string? ParameterSize { get; init; }

    /// <summary>The quantization (<c>details.quantization_level</c>, e.g. <c>Q4_K_M</c>), or null.</summary>
    public string? Quantization { get; init; }

    /// <summary>When the model was pulled or last changed.</summary>
    public DateTimeOffset? ModifiedAt { get; init; }

    /// <summary>The model's trained context length (<c>model_info["&lt;family&gt;.context_length"]</c>), or null when not asked or not reported.</summary>
    public int? ContextLength { get; init; }
}
