namespace Parley.Server;

/// <summary>
/// Saves the summary calls of an exchange as the CLI's chat saves its own: a turn of kind summary each, with its model,
/// usage, cost and latency (<c>parley usage</c> counts them as summary calls).
/// </summary>
internal static class SummaryTurns
{
    public static TurnOutcome Outcome(SummaryCall call) => new()
    {
        Status = call.Succeeded ? TurnStatus.Complete : TurnStatus.Failed,
        Model = call.ModelId,
        Usage = call.Usage,
        CostUsd = call.CostUsd,
        Latency = call.Latency,
        Error = call.Error,
    };

    public static async Task RecordAsync(IConversationLog log, string conversationId, IReadOnlyList<SummaryCall>? calls, CancellationToken cancellationToken)
    {
        foreach (var call in calls ?? [])
        {
            await log.RecordSummaryCallAsync(conversationId, Outcome(call), cancellationToken).ConfigureAwait(false);
        }
    }
}
