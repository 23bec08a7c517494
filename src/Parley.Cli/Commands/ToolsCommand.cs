using System.CommandLine;
using Microsoft.Extensions.AI;
using Parley.Mcp;

namespace Parley.Cli;

/// <summary>
/// <c>parley tools</c>: starts each MCP server of the config file (and any given with <c>--mcp</c>) and lists its tools
/// with the first line of their descriptions. A server that fails to start is reported on one line, the others are
/// still listed, and the exit code is 1.
/// </summary>
internal static class ToolsCommand
{
    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("tools", "List the configured MCP servers and the tools each offers (-T NAME offers them)");
        var mcp = new ToolOptionSet().Mcp;
        command.Add(mcp);
        command.SetAction(async (parse, ct) => await RunAsync(services(), parse.GetValue(mcp) ?? [], ct).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> RunAsync(CliServices services, IReadOnlyList<string> extra, CancellationToken cancellationToken)
    {
        var ui = services.Interaction;
        var config = await services.LoadConfigAsync(cancellationToken).ConfigureAwait(false);
        var servers = new List<(string Name, McpServerSettings Settings)>();
        foreach (var (name, settings) in config.McpServers ?? [])
        {
            servers.Add((name, settings));
        }

        var taken = new HashSet<string>(servers.Select(s => s.Name), StringComparer.Ordinal);
        foreach (var spec in extra)
        {
            servers.Add(ToolboxBuilder.FromCommandLine(spec, taken));
        }

        if (servers.Count == 0)
        {
            ui.Note($"no MCP server is configured: add \"mcp_servers\" to {services.Paths.ConfigFile}, or give one with --mcp \"COMMAND ARGS\" or --mcp URL");
            return ExitCodes.Ok;
        }

        var failed = 0;
        var first = true;
        foreach (var (name, settings) in servers)
        {
            McpServerConnection server;
            try
            {
                server = await McpServerConnection.ConnectAsync(name, settings, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (McpConnectionException e)
            {
                ui.Error(e.Message);
                failed++;
                continue;
            }

            await using (server.ConfigureAwait(false))
            {
                if (!first)
                {
                    await ui.WriteOutputLineAsync(string.Empty).ConfigureAwait(false);
                }

                first = false;
                await ui.WriteOutputLineAsync($"{name} ({Describe(settings)}): {server.Tools.Count} tool{(server.Tools.Count == 1 ? string.Empty : "s")}").ConfigureAwait(false);
                var width = server.Tools.Count == 0 ? 0 : server.Tools.Max(t => t.Name.Length);
                foreach (var tool in server.Tools)
                {
                    await ui.WriteOutputLineAsync($"  {tool.Name.PadRight(width)}  {FirstLine(tool)}".TrimEnd()).ConfigureAwait(false);
                }
            }
        }

        return failed > 0 ? ExitCodes.RuntimeError : ExitCodes.Ok;
    }

    private static string Describe(McpServerSettings settings) =>
        settings.Url is { Length: > 0 } url ? url : string.Join(' ', new[] { settings.Command! }.Concat(settings.Args ?? []));

    private static string FirstLine(AIFunction tool)
    {
        var text = UntrustedText.ForTerminal(tool.Description ?? string.Empty).Trim();
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline >= 0 ? text[..newline].TrimEnd() : text;
    }
}
