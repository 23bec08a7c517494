using Microsoft.Extensions.AI;
using Parley.Mcp;

namespace Parley.Cli;

/// <summary>
/// Connects the MCP servers the command line names and chooses the tools to offer: every tool of a <c>--mcp</c> server;
/// for <c>-T NAME</c> a configured server's tools, one tool (<c>server/tool</c>), or the tool of that name on whichever
/// configured server offers it.
/// </summary>
internal sealed class ToolboxBuilder
{
    private static readonly HashSet<string> Launchers = new(StringComparer.Ordinal) { "dotnet", "node", "npx", "python", "python3", "uv", "uvx", "deno", "bun", "java" };
    private readonly CliServices _services;

    public ToolboxBuilder(CliServices services) => _services = services;

    /// <exception cref="CliUsageException">A <c>-T</c> name matches no configured server or tool, or a <c>--mcp</c> value cannot be split.</exception>
    /// <exception cref="McpConnectionException">A server did not start or could not be reached.</exception>
    public async Task<McpToolbox> BuildAsync(ToolSettings settings, CancellationToken cancellationToken)
    {
        var configured = (await _services.LoadConfigAsync(cancellationToken).ConfigureAwait(false)).McpServers
            ?? new Dictionary<string, McpServerSettings>(StringComparer.Ordinal);
        var toolbox = new McpToolbox();
        try
        {
            var taken = new HashSet<string>(configured.Keys, StringComparer.Ordinal);
            foreach (var spec in settings.Mcp)
            {
                var (name, server) = FromCommandLine(spec, taken);
                toolbox.Offer(await toolbox.ConnectAsync(name, server, cancellationToken: cancellationToken).ConfigureAwait(false));
            }

            foreach (var name in settings.Tools)
            {
                await SelectAsync(toolbox, configured, name, cancellationToken).ConfigureAwait(false);
            }

            return toolbox;
        }
        catch
        {
            await toolbox.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A <c>--mcp</c> value as a server: a URL, or a command line split as a shell would; named after its host or program.</summary>
    internal static (string Name, McpServerSettings Settings) FromCommandLine(string spec, ISet<string> taken)
    {
        string name;
        McpServerSettings settings;
        if (Uri.TryCreate(spec.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            name = url.Host;
            settings = new McpServerSettings { Url = url.ToString() };
        }
        else
        {
            var words = ShellWords.Split(spec);
            if (words.Count == 0)
            {
                throw new CliUsageException("--mcp needs a command (\"COMMAND ARGS\") or a URL");
            }

            // "dotnet server.dll", "node server.js", "uvx mcp-server-git": named after what the launcher runs.
            var program = Launchers.Contains(Path.GetFileNameWithoutExtension(words[0])) && words.Skip(1).FirstOrDefault(w => !w.StartsWith('-')) is { } script
                ? script
                : words[0];
            name = Path.GetFileNameWithoutExtension(program);
            settings = new McpServerSettings { Command = words[0], Args = [.. words.Skip(1)] };
        }

        var unique = name;
        for (var i = 2; !taken.Add(unique); i++)
        {
            unique = $"{name}-{i}";
        }

        return (unique, settings);
    }

    private static async Task SelectAsync(McpToolbox toolbox, Dictionary<string, McpServerSettings> configured, string name, CancellationToken cancellationToken)
    {
        if (configured.Count == 0)
        {
            throw new CliUsageException($"-T {name}: no MCP server is configured (add \"mcp_servers\" to the config file, or give one with --mcp)");
        }

        if (configured.TryGetValue(name, out var whole))
        {
            toolbox.Offer(await toolbox.ConnectAsync(name, whole, cancellationToken: cancellationToken).ConfigureAwait(false));
            return;
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var serverName = name[..slash];
            var toolName = name[(slash + 1)..];
            if (!configured.TryGetValue(serverName, out var settings))
            {
                throw new CliUsageException($"-T {name}: no MCP server '{serverName}' is configured (configured: {string.Join(", ", configured.Keys)})");
            }

            var server = await toolbox.ConnectAsync(serverName, settings, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!server.Tools.Any(t => t.Name == toolName))
            {
                throw new CliUsageException($"-T {name}: '{serverName}' has no tool '{toolName}' (it has: {Names(server.Tools)})");
            }

            toolbox.Offer(server, toolName);
            return;
        }

        // A tool's own name: whichever configured server offers it.
        var found = new List<McpServerConnection>();
        foreach (var (serverName, settings) in configured)
        {
            var server = await toolbox.ConnectAsync(serverName, settings, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (server.Tools.Any(t => t.Name == name))
            {
                found.Add(server);
            }
        }

        switch (found.Count)
        {
            case 0:
                throw new CliUsageException($"-T {name}: no configured MCP server or tool has that name (servers: {string.Join(", ", configured.Keys)}; `parley tools` lists their tools)");
            case > 1:
                throw new CliUsageException($"-T {name}: offered by {string.Join(" and ", found.Select(s => s.Name))}; name one, e.g. -T {found[0].Name}/{name}");
            default:
                toolbox.Offer(found[0], name);
                break;
        }
    }

    private static string Names(IEnumerable<AIFunction> tools) => string.Join(", ", tools.Select(t => t.Name));
}
