using System.Text.Json.Serialization;

namespace Parley.Hosting;

/// <summary>
/// One MCP server in <c>config.json</c> (<c>mcp_servers.NAME</c>): a command started with its arguments and
/// environment (stdio), or the URL of a streamable HTTP server with its headers. Exactly one of
/// <see cref="Command"/> and <see cref="Url"/> is set.
/// </summary>
public sealed class McpServerSettings
{
    /// <summary>The program to start (stdio transport), found on PATH like a shell would.</summary>
    [JsonPropertyName("command")]
    public string? Command { get; set; }

    /// <summary>The program's arguments, one per item (no shell splitting).</summary>
    [JsonPropertyName("args")]
    public IList<string>? Args { get; set; }

    /// <summary>Environment variables added to the program's environment.</summary>
    [JsonPropertyName("env")]
    public IDictionary<string, string>? Env { get; set; }

    /// <summary>The server's URL (streamable HTTP transport).</summary>
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    /// <summary>HTTP headers sent with every request to <see cref="Url"/> (an <c>Authorization</c> header, for example).</summary>
    [JsonPropertyName("headers")]
    public IDictionary<string, string>? Headers { get; set; }
}
