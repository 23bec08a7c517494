using System.Globalization;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>Groups turn samples into a <see cref="UsageReport"/>; shared by both stores so they agree.</summary>
internal static class UsageReportBuilder
{
    /// <summary>The model key used when a turn has no model.</summary>
    public const string UnknownModel = "(unknown)";

    /// <summary>The UTC instant at which the local day <paramref name="since"/> begins.</summary>
    public static DateTimeOffset StartOfDayUtc(DateOnly since, TimeZoneInfo timeZone)
    {
        var local = since.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (timeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30); // the day starts in a daylight-saving gap
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, timeZone), TimeSpan.Zero);
    }

    /// <summary>Builds the report.</summary>
    public static UsageReport Build(IEnumerable<UsageSample> samples, DateOnly? since, TimeZoneInfo timeZone)
    {
        var total = new Accumulator("total", null);
        var byDay = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var byModel = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var byConversation = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var byKey = new Dictionary<string, Accumulator>(StringComparer.Ordinal);

        foreach (var sample in samples)
        {
            var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(sample.CreatedAt, timeZone).DateTime);
            if (since is { } first && localDay < first)
            {
                continue;
            }

            string day = localDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            string model = string.IsNullOrEmpty(sample.Model) ? UnknownModel : sample.Model;
            total.Add(sample);
            Get(byDay, day, null).Add(sample);
            Get(byModel, model, null).Add(sample);
            Get(byConversation, sample.ConversationId, sample.Title).Add(sample);
            if (sample.KeyName is { } keyName)
            {
                Get(byKey, keyName, null).Add(sample);
            }
        }

        return new UsageReport
        {
            Since = since,
            Total = total.ToRow(),
            ByDay = byDay.Values.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.ToRow()).ToArray(),
            ByModel = Ranked(byModel.Values),
            ByConversation = Ranked(byConversation.Values),
            ByKey = Ranked(byKey.Values),
        };
    }

    private static UsageReportRow[] Ranked(IEnumerable<Accumulator> groups) =>
        groups.OrderByDescending(a => a.Cost)
            .ThenByDescending(a => a.Total)
            .ThenBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => a.ToRow())
            .ToArray();

    private static Accumulator Get(Dictionary<string, Accumulator> groups, string key, string? label)
    {
        if (!groups.TryGetValue(key, out var accumulator))
        {
            accumulator = new Accumulator(key, label);
            groups.Add(key, accumulator);
        }

        return accumulator;
    }

    // Counts the kinds of turns; the tokens and dollars are summed by ConversationUsage, as a session sums them.
    private sealed class Accumulator(string key, string? label)
    {
        private readonly ConversationUsage _usage = new();
        private int _chat;
        private int _summary;
        private int _unfinished;

        public string Key { get; } = key;

        public decimal Cost => _usage.CostUsd;

        public long Total => _usage.TotalTokens;

        public void Add(UsageSample sample)
        {
            if (sample.Kind == TurnKind.Summary)
            {
                _summary++;
            }
            else if (sample.Status == TurnStatus.Complete)
            {
                _chat++;
            }
            else
            {
                _unfinished++;
            }

            // A row without any count is a call that reported no usage (a failed one): no usage at all, not an empty one.
            var usage = sample.InputTokens is null && sample.OutputTokens is null && sample.TotalTokens is null
                ? null
                : new UsageDetails
                {
                    InputTokenCount = sample.InputTokens,
                    OutputTokenCount = sample.OutputTokens,
                    CachedInputTokenCount = sample.CachedInputTokens,
                    ReasoningTokenCount = sample.ReasoningTokens,
                    TotalTokenCount = sample.TotalTokens,
                };
            _usage.Add(usage, sample.CostUsd);
        }

        public UsageReportRow ToRow() => new()
        {
            Key = Key,
            Label = label,
            ChatTurns = _chat,
            SummaryCalls = _summary,
            UnfinishedTurns = _unfinished,
            InputTokenCount = _usage.InputTokens,
            OutputTokenCount = _usage.OutputTokens,
            CachedInputTokenCount = _usage.CachedInputTokens,
            ReasoningTokenCount = _usage.ReasoningTokens,
            TotalTokenCount = _usage.TotalTokens,
            CostUsd = _usage.CostUsd,
            UnpricedTurns = _usage.UnpricedCalls,
        };
    }
}
