using System.Security.Cryptography;
using System.Text;

namespace Parley.TestServer;

/// <summary>A model "installed" in the Ollama emulation, as listed by <c>/api/tags</c> and described by <c>/api/show</c>.</summary>
public sealed class OllamaModel
{
    /// <summary>Creates a model entry; <paramref name="name"/> without a tag means <c>:latest</c>.</summary>
    public OllamaModel(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = Normalize(name);
    }

    /// <summary>Full name with tag, e.g. <c>llama3.2:latest</c>.</summary>
    public string Name { get; }

    /// <summary><c>details.family</c>, also the prefix of <c>model_info</c> keys (e.g. <c>llama.context_length</c>).</summary>
    public string Family { get; init; } = "llama";

    /// <summary><c>details.parameter_size</c>, e.g. <c>3.2B</c>.</summary>
    public string ParameterSize { get; init; } = "3.2B";

    /// <summary><c>details.quantization_level</c>, e.g. <c>Q4_K_M</c>.</summary>
    public string QuantizationLevel { get; init; } = "Q4_K_M";

    /// <summary>Size on disk in bytes.</summary>
    public long Size { get; init; } = 2_019_393_189;

    /// <summary>sha256 digest (hex); defaults to the hash of the name.</summary>
    public string? Digest { get; init; }

    /// <summary><c>modified_at</c>.</summary>
    public DateTimeOffset ModifiedAt { get; init; } = new(2025, 8, 20, 13, 0, 0, TimeSpan.Zero);

    /// <summary>The model's trained context length, reported as <c>model_info["{family}.context_length"]</c>.</summary>
    public int ContextLength { get; init; } = 131_072;

    internal string EffectiveDigest =>
        Digest ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Name)));

    /// <summary>Ollama's name normalisation: a name without a tag means <c>:latest</c>.</summary>
    internal static string Normalize(string name) => name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";
}
