using System.Text.Json.Serialization;

namespace Parley.Hosting;

/// <summary>One provider entry of <c>config.json</c>: <c>providers.NAME</c>.</summary>
public sealed class ProviderSettings
{
    /// <summary><c>openai</c>, <c>openai-compatible</c>, <c>azure-openai</c> or <c>ollama</c> (native API; base URL without <c>/v1</c>).</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <summary>The API base URL (for OpenAI-compatible servers usually ending in <c>/v1</c>; for Azure the resource URL).</summary>
    [JsonPropertyName("base_url")]
    public string? BaseUrl { get; set; }

    /// <summary>The environment variable that holds the key (read from the environment, then <c>.env</c>).</summary>
    [JsonPropertyName("api_key_env")]
    public string? ApiKeyEnv { get; set; }

    /// <summary>A literal key. Allowed, but warned about when the file is readable by others.</summary>
    [JsonPropertyName("api_key")]
    public string? ApiKey { get; set; }

    /// <summary>The model used when none is given.</summary>
    [JsonPropertyName("default_model")]
    public string? DefaultModel { get; set; }

    /// <summary>Azure OpenAI's <c>api-version</c> query value.</summary>
    [JsonPropertyName("api_version")]
    public string? ApiVersion { get; set; }

    /// <summary>Short names for models of this provider.</summary>
    [JsonPropertyName("aliases")]
    public Dictionary<string, string>? Aliases { get; set; }
}
