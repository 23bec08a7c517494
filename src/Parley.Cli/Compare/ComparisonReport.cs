using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Parley.Cli;

/// <summary>Writes compared results as a table (Markdown-shaped, readable in a terminal), a JSON array or CSV.</summary>
internal static class ComparisonReport
{
    /// <summary>How much of each answer the table shows.</summary>
    public const int AnswerStartLength = 40;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] CsvColumns =
    [
        "model", "provider", "kind", "local", "runs", "answered", "time_to_first_token_ms", "total_ms", "output_tokens_per_second",
        "prompt_tokens", "completion_tokens", "cost_usd", "context_window", "num_ctx", "answer", "error",
    ];

    public static Table Table(IReadOnlyList<ComparisonResult> results)
    {
        var table = new Table().Border(TableBorder.Markdown);
        foreach (var (header, right) in new[]
        {
            ("model", false), ("provider", false), ("first token", true), ("total", true), ("out tok/s", true),
            ("prompt", true), ("completion", true), ("cost", true), ("context", true), ("answer", false),
        })
        {
            table.AddColumn(new TableColumn(header) { Alignment = right ? Justify.Right : Justify.Left });
        }

        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape(r.Model.Label),
                Markup.Escape(r.Model.Provider.Name),
                Seconds(r.TimeToFirstToken),
                Seconds(r.Total),
                r.OutputTokensPerSecond?.ToString("0", Invariant) ?? "–",
                Count(r.PromptTokens),
                Count(r.CompletionTokens),
                Cost(r.CostUsd),
                Count(r.ContextWindow),
                Markup.Escape(r.Succeeded ? AnswerStart(r.Answer) : "error: " + r.Errors.FirstOrDefault()));
        }

        return table;
    }

    public static string Json(IReadOnlyList<ComparisonResult> results, bool localHosted)
    {
        var array = new JsonArray();
        foreach (var r in results)
        {
            var item = new JsonObject
            {
                ["model"] = r.Model.Label,
                ["provider"] = r.Model.Provider.Name,
                ["kind"] = ProviderKindNames.ToName(r.Model.Provider.Kind),
                ["model_id"] = r.ReportedModel,
                ["local"] = r.Model.IsLocal,
                ["runs"] = r.Runs,
                ["answered"] = r.Turns.Count,
                ["time_to_first_token_ms"] = Milliseconds(r.TimeToFirstToken),
                ["total_ms"] = Milliseconds(r.Total),
                ["output_tokens_per_second"] = r.OutputTokensPerSecond is { } speed ? Math.Round(speed, 1) : null,
                ["prompt_tokens"] = r.PromptTokens,
                ["completion_tokens"] = r.CompletionTokens,
                ["cost_usd"] = r.CostUsd,
                ["context_window"] = r.ContextWindow,
                ["num_ctx"] = r.NumCtx,
                ["answer"] = r.Succeeded ? r.Answer : null,
                ["errors"] = new JsonArray(r.Errors.Select(e => (JsonNode?)e).ToArray()),
            };
            if (localHosted)
            {
                item["local_vs_hosted"] = new JsonObject(LocalHostedTable.Cells(r).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));
            }

            array.Add((JsonNode)item);
        }

        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>
    /// CSV with a header line and one record per model; the whole answer, not its start. Fields with a comma, a quote
    /// or a line break are quoted as RFC 4180 says (quotes doubled); records end with a line feed.
    /// </summary>
    public static string Csv(IReadOnlyList<ComparisonResult> results, bool localHosted)
    {
        var text = new StringBuilder();
        var header = localHosted ? CsvColumns.Concat(LocalHostedTable.Features.Select(f => f.Replace(' ', '_'))) : CsvColumns;
        text.Append(string.Join(',', header)).Append('\n');
        foreach (var r in results)
        {
            var fields = new List<string?>
            {
                r.Model.Label,
                r.Model.Provider.Name,
                ProviderKindNames.ToName(r.Model.Provider.Kind),
                r.Model.IsLocal ? "true" : "false",
                r.Runs.ToString(Invariant),
                r.Turns.Count.ToString(Invariant),
                Milliseconds(r.TimeToFirstToken)?.ToString(Invariant),
                Milliseconds(r.Total)?.ToString(Invariant),
                r.OutputTokensPerSecond?.ToString("0.0", Invariant),
                r.PromptTokens?.ToString(Invariant),
                r.CompletionTokens?.ToString(Invariant),
                r.CostUsd?.ToString(Invariant),
                r.ContextWindow?.ToString(Invariant),
                r.NumCtx?.ToString(Invariant),
                r.Succeeded ? r.Answer : null,
                r.Errors.FirstOrDefault(),
            };
            if (localHosted)
            {
                var cells = LocalHostedTable.Cells(r);
                fields.AddRange(LocalHostedTable.Features.Select(f => cells[f]));
            }

            text.Append(string.Join(',', fields.Select(CsvField))).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The start of an answer on one line: whitespace collapsed, cut at <see cref="AnswerStartLength"/> characters with "…".</summary>
    public static string AnswerStart(string answer)
    {
        var line = string.Join(' ', answer.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= AnswerStartLength ? line : line[..AnswerStartLength].TrimEnd() + "…";
    }

    private static string CsvField(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>A cost as the usage line shows it, and a free answer as <c>$0</c>.</summary>
    public static string Cost(decimal? cost) => cost switch
    {
        null => "?",
        0m => "$0",
        { } known => UsageLineFormatter.Cost(known),
    };

    private static long? Milliseconds(TimeSpan? time) => time is { } t ? (long)Math.Round(t.TotalMilliseconds) : null;

    private static string Seconds(TimeSpan? time) => time is { } t ? t.TotalSeconds.ToString("0.00", Invariant) + " s" : "–";

    private static string Count(long? value) => value?.ToString("#,0", Invariant) ?? "?";
}
