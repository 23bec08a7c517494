namespace Parley.Cli;

/// <summary>What to say when the tool loop reached <c>--chain-limit</c>.</summary>
internal static class ToolLimitNotice
{
    /// <summary>
    /// An error when the model still asked for tools after the last round (nothing more was run); null otherwise — also
    /// when no round ran at all: calls for tools that were never offered (a server answering with tool calls unasked)
    /// end the turn as the server said, with finish reason <c>tool_calls</c>, as before tools existed.
    /// </summary>
    public static string? For(ChatTurn turn, int chainLimit)
    {
        if (turn.UnansweredToolCalls.Count == 0 || turn.ToolMessages.Count == 0)
        {
            return null;
        }

        var names = string.Join(", ", turn.UnansweredToolCalls.Select(c => c.Name).Distinct(StringComparer.Ordinal));
        return $"stopped after {chainLimit} tool round{(chainLimit == 1 ? string.Empty : "s")} (--chain-limit {chainLimit}): the model still asked for {names}, which was not run";
    }

    /// <summary>A note when the answer came from the request sent without tools after the last allowed round; null otherwise.</summary>
    public static string? Reached(ChatTurn turn, int chainLimit)
    {
        var rounds = turn.ToolMessages.Count(m => m.Contents.Any(c => c is Microsoft.Extensions.AI.FunctionCallContent));
        return turn.UnansweredToolCalls.Count == 0 && rounds >= chainLimit
            ? $"reached --chain-limit {chainLimit}: the model was asked to answer without more tool calls"
            : null;
    }
}
