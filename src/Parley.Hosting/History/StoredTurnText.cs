using System.Globalization;
using System.Text;

namespace Parley.Hosting;

/// <summary>
/// One line about a stored turn: <c>Tokens: 20 in / 34 out · $0.000024 · 0.3 s · gpt-4o-mini</c>, plus its status when
/// not complete and the earlier messages its context policy dropped or sent as a summary.
/// </summary>
internal static class StoredTurnText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string UsageLine(TurnRecord turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var line = new StringBuilder();
        if (turn.Status != TurnStatus.Complete)
        {
            line.Append(StatusName(turn.Status));
            if (turn.Error is { Length: > 0 } error && turn.Status == TurnStatus.Failed)
            {
                line.Append(": ").Append(error);
            }

            line.Append(" · ");
        }

        if (turn.IsSummary)
        {
            line.Append("summary call · ");
        }

        var usage = turn.Usage;
        if (usage.InputTokenCount is null && usage.OutputTokenCount is null)
        {
            line.Append("Tokens: not reported");
        }
        else
        {
            line.Append("Tokens: ").Append(Number(usage.InputTokenCount)).Append(" in");
            if (usage.CachedInputTokenCount is > 0)
            {
                line.Append(" (").Append(Number(usage.CachedInputTokenCount)).Append(" cached)");
            }

            line.Append(" / ").Append(Number(usage.OutputTokenCount)).Append(" out");
            if (usage.ReasoningTokenCount is > 0)
            {
                line.Append(" (").Append(Number(usage.ReasoningTokenCount)).Append(" reasoning)");
            }
        }

        if (turn.CostUsd is { } cost)
        {
            line.Append(" · ").Append(CostText.Format(cost));
        }

        if (turn.Latency is { } latency)
        {
            line.Append(" · ").Append(latency.TotalSeconds.ToString("0.0", Invariant)).Append(" s");
        }

        if (turn.Model is { Length: > 0 } model)
        {
            line.Append(" · ").Append(model);
        }

        // What the context policy left out of the request (recorded since schema version 4).
        if (turn.MessagesSummarized is > 0 and var summarized)
        {
            line.Append(" · ").Append(Wording.Count(summarized, "earlier message")).Append(" sent as a summary");
        }

        if (turn.MessagesDropped is > 0 and var dropped)
        {
            line.Append(" · ").Append(Wording.Count(dropped, "earlier message")).Append(" dropped");
        }

        return line.ToString();
    }

    public static string StatusName(TurnStatus status) => status.ToString().ToLowerInvariant();

    private static string Number(long? value) => value is { } v ? v.ToString("#,0", Invariant) : "?";
}
