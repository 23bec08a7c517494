using System.Text.Json.Serialization;

namespace Parley.Hosting;

/// <summary>A local GGUF model of <c>config.json</c> (<c>gguf.NAME</c>), opened in-process by <c>parley -m gguf:NAME</c>.</summary>
public sealed class GgufModelSettings
{
    /// <summary>The GGUF file (<c>~</c> is the home folder), or <c>ollama/NAME[:TAG]</c> for a model Ollama installed.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    /// <summary>The context to allocate in tokens; null for the model's trained context. Capped by the file's metadata.</summary>
    [JsonPropertyName("context_size")]
    public int? ContextSize { get; set; }

    /// <summary>CPU threads; null lets llama.cpp choose.</summary>
    [JsonPropertyName("threads")]
    public int? Threads { get; set; }

    /// <summary>A chat template llama.cpp knows by name (<c>chatml</c>, <c>llama3</c>, …) instead of the file's.</summary>
    [JsonPropertyName("chat_template")]
    public string? ChatTemplate { get; set; }

    /// <summary>US dollars per million input tokens (electricity, GPU hours); null is <c>$0</c>.</summary>
    [JsonPropertyName("input_per_million")]
    public decimal? InputPerMillion { get; set; }

    /// <summary>US dollars per million output tokens; null is <c>$0</c>.</summary>
    [JsonPropertyName("output_per_million")]
    public decimal? OutputPerMillion { get; set; }
}
