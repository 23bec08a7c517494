using System.CommandLine;

namespace Parley.Cli;

/// <summary>The tool flags of one-shot and chat: <c>--mcp</c>, <c>-T/--tool</c>, <c>--chain-limit</c>, <c>-y/--yes</c>.</summary>
internal sealed class ToolOptionSet
{
    public ToolOptionSet() => OptionValues.Whole(ChainLimit, 1, 100, "a whole number from 1 to 100");

    public Option<string[]> Mcp { get; } = new("--mcp")
    {
        Description = "Offer the tools of an MCP server: \"COMMAND ARGS\" (stdio) or a URL (streamable HTTP); repeatable",
        HelpName = "SERVER",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string[]> Tool { get; } = new("--tool", "-T")
    {
        Description = "Offer a configured MCP server's tools (NAME), one of its tools (SERVER/TOOL) or a tool by name; repeatable",
        HelpName = "NAME",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<int?> ChainLimit { get; } = new("--chain-limit")
    {
        Description = $"The most rounds of tool calls in one answer (default {ToolSettings.DefaultChainLimit})",
        HelpName = "N",
    };

    public Option<bool> Yes { get; } = new("--yes", "-y")
    {
        Description = "Approve every tool call without asking (without a terminal, calls are refused unless this is given)",
    };

    public void AddTo(Command command)
    {
        command.Add(Mcp);
        command.Add(Tool);
        command.Add(ChainLimit);
        command.Add(Yes);
    }

    public ToolSettings Read(ParseResult parse) => new()
    {
        Mcp = parse.GetValue(Mcp) ?? [],
        Tools = parse.GetValue(Tool) ?? [],
        ChainLimit = parse.GetValue(ChainLimit) ?? ToolSettings.DefaultChainLimit,
        Yes = parse.GetValue(Yes),
    };
}
