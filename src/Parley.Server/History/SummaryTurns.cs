namespace Parley.Server;

/// <summary>
/// Saves the summary calls of an exchange as the CLI's chat saves its own: a turn of kind summary each, with its model,
/// usage, cost and latency (<c>parley usage</c> counts them as summary calls).
/// </summary>
internal static class SummaryTurns
{
    public static async Task RecordAsync(IConversationLog log, string conversationId, IReadOnlyList<TurnOutcome>? calls, CancellationToken cancellationToken)
    {
        foreach (var call in calls ?? [])
        {
            await log.RecordSummaryCallAsync(conversationId, call, cancellationToken).ConfigureAwait(false);
        }
    }
}
