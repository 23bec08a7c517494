using System.Globalization;
using System.Text;

namespace Parley.Cli;

/// <summary>Owns the usage line: <c>Tokens: 1,234 in (200 cached) / 56 out · $0.0012 · 1.9 s · 28 tok/s</c>.</summary>
internal static class UsageLineFormatter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(ChatTurn turn, bool pricingEnabled)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var line = new StringBuilder("Tokens: ");
        if (turn.Usage is { } usage)
        {
            line.Append(Number(usage.InputTokenCount)).Append(" in");
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
        else
        {
            line.Append("not reported by the server");
        }

        if (turn.CostUsd is { } cost)
        {
            line.Append(" · ").Append(Cost(cost));
        }
        else if (pricingEnabled)
        {
            line.Append(" · cost unknown");
        }

        line.Append(" · ").Append(turn.Latency.TotalSeconds.ToString("0.0", Invariant)).Append(" s");
        if (turn.OutputTokensPerSecond is { } speed)
        {
            line.Append(" · ").Append(speed.ToString("0", Invariant)).Append(" tok/s");
        }

        AppendSummaryCalls(line, turn.Context?.SummaryCalls);
        return line.ToString();
    }

    // Summary calls made for the turn are calls like any other: their tokens and cost are shown beside the answer's.
    private static void AppendSummaryCalls(StringBuilder line, IReadOnlyList<SummaryCall>? calls)
    {
        var made = calls?.Where(c => c.Succeeded).ToList();
        if (made is not { Count: > 0 })
        {
            return;
        }

        line.Append(made.Count == 1 ? " · summary: " : $" · {made.Count} summary calls: ")
            .Append(Number(made.Sum(c => c.Usage?.InputTokenCount ?? 0))).Append(" in / ")
            .Append(Number(made.Sum(c => c.Usage?.OutputTokenCount ?? 0))).Append(" out");
        if (made.All(c => c.CostUsd is not null))
        {
            line.Append(" · ").Append(Cost(made.Sum(c => c.CostUsd!.Value)));
        }
    }

    public static string Cost(decimal cost) =>
        cost >= 0.01m ? "$" + cost.ToString("0.00##", Invariant) : "$" + cost.ToString("0.0000##", Invariant);

    private static string Number(long? value) => value is { } v ? v.ToString("#,0", Invariant) : "?";
}
