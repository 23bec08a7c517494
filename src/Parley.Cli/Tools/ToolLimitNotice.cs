namespace Parley.Cli;

/// <summary>What to say when the tool loop stopped at <c>--chain-limit</c> with calls the model still wanted.</summary>
internal static class ToolLimitNotice
{
    public static string? For(ChatTurn turn, int chainLimit)
    {
        if (turn.UnansweredToolCalls.Count == 0)
        {
            return null;
        }

        var names = string.Join(", ", turn.UnansweredToolCalls.Select(c => c.Name).Distinct(StringComparer.Ordinal));
        return $"stopped after {chainLimit} tool round{(chainLimit == 1 ? string.Empty : "s")} (--chain-limit {chainLimit}): the model still asked for {names}, which was not run";
    }
}
