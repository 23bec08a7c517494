using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Hosting;

/// <summary>The contents of <c>config.json</c>.</summary>
public sealed class ParleyConfig
{
    /// <summary>The provider used when none is named.</summary>
    [JsonPropertyName("default_provider")]
    public string? DefaultProvider { get; set; }

    /// <summary>The model used when none is named.</summary>
    [JsonPropertyName("default_model")]
    public string? DefaultModel { get; set; }

    /// <summary>Providers by name. These add to, or replace, the built-in <c>openai</c> and <c>ollama</c>.</summary>
    [JsonPropertyName("providers")]
    public Dictionary<string, ProviderSettings>? Providers { get; set; }

    /// <summary>MCP servers by name (<c>mcp_servers.NAME</c>): their tools are offered with <c>parley -T NAME</c>.</summary>
    [JsonPropertyName("mcp_servers")]
    public Dictionary<string, McpServerSettings>? McpServers { get; set; }
    /// <summary>Local GGUF models by name (<c>gguf.NAME</c>): <c>parley -m gguf:NAME</c> opens the file with these settings.</summary>
    [JsonPropertyName("gguf")]
    public Dictionary<string, GgufModelSettings>? Gguf { get; set; }

    /// <summary>Model catalog additions and overrides (<c>models.ID</c>), in the catalog's own field names.</summary>
    [JsonPropertyName("models")]
    public JsonElement? Models { get; set; }
}
