using System.Globalization;
using System.Text.Json;

namespace Parley.Cli;

/// <summary>
/// <c>parley usage --json</c>: <c>{"since","total":{…},"by_day":[…],"by_model":[…],"by_conversation":[…]}</c>; each row
/// has its key (<c>day</c>, <c>model</c> or <c>id</c> + <c>title</c>), <c>chat_turns</c> (answered), <c>summary_calls</c>,
/// <c>unfinished_turns</c> (failed or interrupted), token counts and <c>cost_usd</c>.
/// </summary>
internal static class UsageReportJson
{
    public static string Write(UsageReport report, IReadOnlyList<UsageReportRow> conversations) => HistoryJson.Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("since", report.Since?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        json.WritePropertyName("total");
        Row(json, report.Total, null);
        Rows(json, "by_day", report.ByDay, "day");
        Rows(json, "by_model", report.ByModel, "model");
        Rows(json, "by_conversation", conversations, "id");
        if (report.ByKey.Count > 0)
        {
            Rows(json, "by_key", report.ByKey, "key");
        }
        json.WriteEndObject();
    });

    private static void Rows(Utf8JsonWriter json, string name, IEnumerable<UsageReportRow> rows, string keyName)
    {
        json.WritePropertyName(name);
        json.WriteStartArray();
        foreach (var row in rows)
        {
            Row(json, row, keyName);
        }

        json.WriteEndArray();
    }

    private static void Row(Utf8JsonWriter json, UsageReportRow row, string? keyName)
    {
        json.WriteStartObject();
        if (keyName is not null)
        {
            json.WriteString(keyName, row.Key);
        }

        if (keyName == "id")
        {
            json.WriteString("title", row.Label);
        }

        json.WriteNumber("chat_turns", row.ChatTurns);
        json.WriteNumber("summary_calls", row.SummaryCalls);
        json.WriteNumber("unfinished_turns", row.UnfinishedTurns);
        json.WriteNumber("input_tokens", row.InputTokenCount);
        json.WriteNumber("output_tokens", row.OutputTokenCount);
        json.WriteNumber("cached_input_tokens", row.CachedInputTokenCount);
        json.WriteNumber("reasoning_tokens", row.ReasoningTokenCount);
        json.WriteNumber("total_tokens", row.TotalTokenCount);
        json.WriteNumber("cost_usd", JsonOutputExtensions.TrimZeros(row.CostUsd));
        json.WriteNumber("unpriced_turns", row.UnpricedTurns);
        json.WriteEndObject();
    }
}
