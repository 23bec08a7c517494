namespace Parley.Cli;

/// <summary>What the command line says about tools: <c>--mcp</c>, <c>-T</c>, <c>--chain-limit</c>, <c>--yes</c>.</summary>
internal sealed record ToolSettings
{
    public static readonly ToolSettings None = new();

    /// <summary>Servers given with <c>--mcp</c> ("COMMAND ARGS" or a URL): all their tools are offered.</summary>
    public IReadOnlyList<string> Mcp { get; init; } = [];

    /// <summary><c>-T NAME</c>: a configured server (all its tools), <c>server/tool</c>, or a tool's name.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary><c>--chain-limit N</c>: the most tool rounds in one turn.</summary>
    public int ChainLimit { get; init; } = DefaultChainLimit;

    /// <summary><c>--yes</c>: approve every tool call without asking.</summary>
    public bool Yes { get; init; }

    public const int DefaultChainLimit = 5;

    public bool Any => Mcp.Count > 0 || Tools.Count > 0;
}
