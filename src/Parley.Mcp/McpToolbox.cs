using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Mcp;

/// <summary>
/// The MCP servers a conversation uses and the tools it offers from them. Tools keep their own names; when two servers
/// offer the same name, each such tool is named <c>server__tool</c> (characters a model API does not accept in a name
/// become <c>_</c>). Put <see cref="Tools"/> in <c>ChatOptions.Tools</c>; disposing stops every server.
/// </summary>
public sealed class McpToolbox : IAsyncDisposable
{
    private readonly List<McpServerConnection> _servers = [];
    private readonly List<(McpServerConnection Server, AIFunction Tool)> _offered = [];

    /// <summary>The servers connected so far.</summary>
    public IReadOnlyList<McpServerConnection> Servers => _servers;

    /// <summary>The tools offered, under the names the model sees.</summary>
    public IReadOnlyList<AIFunction> Tools
    {
        get
        {
            var counts = _offered.GroupBy(o => o.Tool.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            return [.. _offered.Select(o => counts[o.Tool.Name] > 1 ? Renamed(o.Server.Name, o.Tool) : o.Tool)];
        }
    }

    /// <summary>Connects to a server, or returns the connection already made under <paramref name="name"/>. Offers none of its tools yet.</summary>
    /// <exception cref="McpConnectionException">The server could not be started or reached.</exception>
    public async Task<McpServerConnection> ConnectAsync(string name, McpServerSettings settings, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(settings);
        if (_servers.Find(s => s.Name == name) is { } known)
        {
            return known;
        }

        var server = await McpServerConnection.ConnectAsync(name, settings, timeout, cancellationToken).ConfigureAwait(false);
        _servers.Add(server);
        return server;
    }

    /// <summary>Offers every tool of <paramref name="server"/>, or only the one named <paramref name="toolName"/> (a tool offered already is not offered twice).</summary>
    /// <exception cref="ArgumentException">The server has no tool named <paramref name="toolName"/>.</exception>
    public void Offer(McpServerConnection server, string? toolName = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        foreach (var tool in server.Tools)
        {
            if ((toolName is null || tool.Name == toolName) && !_offered.Exists(o => ReferenceEquals(o.Tool, tool)))
            {
                _offered.Add((server, tool));
            }
        }

        if (toolName is not null && !server.Tools.Any(t => t.Name == toolName))
        {
            throw new ArgumentException($"MCP server '{server.Name}' has no tool '{toolName}'", nameof(toolName));
        }
    }

    /// <summary>Stops every server.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _servers.Clear();
        _offered.Clear();
    }

    private static AIFunction Renamed(string server, AIFunction tool)
    {
        var name = $"{Sanitize(server)}__{tool.Name}";
        return tool is McpToolFunction mcp ? mcp.WithName(name) : tool;
    }

    // OpenAI accepts [a-zA-Z0-9_-] in a function name.
    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return text.ToString();
    }
}
