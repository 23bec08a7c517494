using System.Globalization;
using System.Text;

namespace Parley.Cli;

/// <summary>
/// Owns the usage line: <c>Tokens: 1,234 in (200 cached) / 56 out · $0.0012 · 1.9 s · 28 tok/s</c>. The time is
/// in milliseconds under 0.1 s. The speed is shown only when it means something: measured by the server (Ollama's
/// <c>eval_duration</c>), or over at least <see cref="MinimumSpeedTokens"/> tokens generated in at least
/// <see cref="MinimumSpeedTime"/> (an instant answer's "16036 tok/s" is the clock's resolution, not the model's speed).
/// </summary>
internal static class UsageLineFormatter
{
    /// <summary>The fewest output tokens a client-measured speed is shown for.</summary>
    public const int MinimumSpeedTokens = 5;

    /// <summary>The shortest generation time a client-measured speed is shown for.</summary>
    public static readonly TimeSpan MinimumSpeedTime = TimeSpan.FromMilliseconds(250);

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

        line.Append(" · ").Append(Duration(turn.Latency));
        if (MeaningfulSpeed(turn) is { } speed)
        {
            line.Append(" · ").Append(speed.ToString("0", Invariant)).Append(" tok/s");
        }

        // A local model's own timings (llama.cpp in-process, Ollama): how fast it read the prompt, and a cold load.
        if (ServerTimings.PromptTokensPerSecond(turn.Usage) is { } promptSpeed)
        {
            line.Append(" · prompt ").Append(promptSpeed.ToString("0", Invariant)).Append(" tok/s");
        }

        if (ServerTimings.LoadTime(turn.Usage) is { } load && load >= TimeSpan.FromMilliseconds(1))
        {
            line.Append(" · load ").Append(Duration(load));
        }

        AppendSummaryCalls(line, turn.Context?.SummaryCalls);
        return line.ToString();
    }

    // Summary calls made for the turn are calls like any other: their tokens and cost are shown beside the answer's.
    private static void AppendSummaryCalls(StringBuilder line, IReadOnlyList<TurnOutcome>? calls)
    {
        var made = calls?.Where(c => c.Status == TurnStatus.Complete).ToList();
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

    /// <summary>A latency: <c>1.9 s</c>, or <c>45 ms</c> under 0.1 s (never <c>0.0 s</c>).</summary>
    public static string Duration(TimeSpan time) => time >= TimeSpan.FromMilliseconds(95)
        ? time.TotalSeconds.ToString("0.0", Invariant) + " s"
        : Math.Max(1, Math.Round(time.TotalMilliseconds)).ToString("0", Invariant) + " ms";

    private static double? MeaningfulSpeed(ChatTurn turn)
    {
        if (turn.OutputTokensPerSecond is not { } speed)
        {
            return null;
        }

        if (ServerTimings.GenerationTime(turn.Usage) is not null)
        {
            return speed;
        }

        // The speed is output / generation time, so the time it was measured over is output / speed.
        var output = turn.Usage!.OutputTokenCount!.Value;
        var measuredOver = TimeSpan.FromSeconds(output / speed);
        return output >= MinimumSpeedTokens && measuredOver >= MinimumSpeedTime ? speed : null;
    }

    public static string Cost(decimal cost) => CostText.Format(cost);

    private static string Number(long? value) => value is { } v ? v.ToString("#,0", Invariant) : "?";
}
