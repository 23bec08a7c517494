using System.Globalization;

namespace Parley.Postgres;

/// <summary>Groups turn samples into a <see cref="UsageReport"/> exactly as the SQLite store does (the core keeps its builder internal).</summary>
internal static class PostgresUsageReportBuilder
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
    public static UsageReport Build(IEnumerable<PostgresUsageSample> samples, DateOnly? since, TimeZoneInfo timeZone)
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

    private sealed class Accumulator(string key, string? label)
    {
        public string Key { get; } = key;

        public decimal Cost { get; private set; }

        public long Total { get; private set; }

        private int _chat;
        private int _summary;
        private int _unfinished;
        private long _input;
        private long _output;
        private long _cached;
        private long _reasoning;
        private int _unpriced;

        public void Add(PostgresUsageSample sample)
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

            _input += sample.InputTokens ?? 0;
            _output += sample.OutputTokens ?? 0;
            _cached += sample.CachedInputTokens ?? 0;
            _reasoning += sample.ReasoningTokens ?? 0;
            Total += sample.TotalTokens ?? ((sample.InputTokens ?? 0) + (sample.OutputTokens ?? 0));
            if (sample.CostUsd is { } cost)
            {
                Cost += cost;
            }
            else if ((sample.TotalTokens ?? sample.InputTokens ?? sample.OutputTokens ?? 0) > 0)
            {
                _unpriced++;
            }
        }

        public UsageReportRow ToRow() => new()
        {
            Key = Key,
            Label = label,
            ChatTurns = _chat,
            SummaryCalls = _summary,
            UnfinishedTurns = _unfinished,
            InputTokenCount = _input,
            OutputTokenCount = _output,
            CachedInputTokenCount = _cached,
            ReasoningTokenCount = _reasoning,
            TotalTokenCount = Total,
            CostUsd = Cost,
            UnpricedTurns = _unpriced,
        };
    }
}
