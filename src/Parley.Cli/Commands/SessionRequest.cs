using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>Everything the command line says about the conversation to run.</summary>
internal sealed record SessionRequest
{
    public required ConnectionOverrides Connection { get; init; }

    public ChatOptions Generation { get; init; } = new();

    public string? SystemPrompt { get; init; }

    public string? MessagesFile { get; init; }

    public bool Memory { get; init; } = true;

    public ReliabilitySettings Reliability { get; init; } = ReliabilitySettings.Defaults;

    /// <summary><c>--context</c> and its flags.</summary>
    public ContextSettings Context { get; init; } = ContextSettings.Default;

    /// <summary><c>--no-log</c>: do not save the conversation.</summary>
    public bool NoLog { get; init; }

    /// <summary><c>-c</c>: continue the most recent conversation.</summary>
    public bool ContinueLatest { get; init; }

    /// <summary><c>--cid ID</c>: continue this conversation (a unique prefix of 4+ characters is enough).</summary>
    public string? ConversationId { get; init; }

    /// <summary><c>--mcp</c>, <c>-T</c>, <c>--chain-limit</c>, <c>--yes</c>.</summary>
    public ToolSettings Tools { get; init; } = ToolSettings.None;

    /// <summary><c>--max-cost USD</c>: the conversation's dollar limit, checked before each request.</summary>
    public decimal? MaxCostUsd { get; init; }
}
