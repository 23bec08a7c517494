using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Parley.Cli;

/// <summary>
/// <c>parley usage</c> on stdout: a total line and tables by day, model and conversation in a terminal; when piped,
/// tab-separated lines <c>group key label chat_turns input_tokens output_tokens total_tokens cost_usd summary_calls
/// unfinished_turns</c> where group is <c>total</c>, <c>day</c>, <c>model</c>, <c>conversation</c> or (for <c>parley serve</c>'s virtual keys) <c>key</c>. Turns are answered chat
/// turns; summary calls and unfinished (failed or interrupted) turns are counted apart, their tokens and cost included.
/// </summary>
internal static class UsageReportView
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IRenderable Render(UsageReport report, IReadOnlyList<UsageReportRow> conversations, IReadOnlyDictionary<string, string> shortIds)
    {
        var parts = new List<IRenderable>
        {
            new Markup($"[bold]Total{(report.Since is { } since ? " since " + since.ToString("yyyy-MM-dd", Invariant) : string.Empty)}:[/] {Markup.Escape(Summary(report.Total))}\n"),
        };
        if (report.Total.ChatTurns + report.Total.SummaryCalls + report.Total.UnfinishedTurns == 0)
        {
            return new Rows(parts);
        }

        var summaries = report.Total.SummaryCalls > 0;
        parts.Add(Table("By day", "day", report.ByDay, null, summaries));
        parts.Add(Table("By model", "model", report.ByModel, null, summaries));
        parts.Add(Table("By conversation", "conversation", conversations, shortIds, summaries));
        if (report.ByKey.Count > 0)
        {
            parts.Add(Table("By key", "key", report.ByKey, null, summaries));
        }
        if (report.Total.UnpricedTurns > 0)
        {
            parts.Add(new Text($"{Wording.Count(report.Total.UnpricedTurns, "turn")} used a model without a known price; their cost is not included.\n"));
        }

        return new Rows(parts);
    }

    public static IEnumerable<string> Lines(UsageReport report, IReadOnlyList<UsageReportRow> conversations)
    {
        yield return Line("total", report.Total, "total", null);
        foreach (var row in report.ByDay)
        {
            yield return Line("day", row, row.Key, null);
        }

        foreach (var row in report.ByModel)
        {
            yield return Line("model", row, row.Key, null);
        }

        foreach (var row in conversations)
        {
            yield return Line("conversation", row, row.Key, row.Label);
        }

        foreach (var row in report.ByKey)
        {
            yield return Line("key", row, row.Key, null);
        }
    }

    private static string Summary(UsageReportRow row)
    {
        var text = Wording.Count(row.ChatTurns, "turn");
        if (row.SummaryCalls > 0)
        {
            text += " + " + Wording.Count(row.SummaryCalls, "summary call");
        }

        if (row.UnfinishedTurns > 0)
        {
            text += " + " + Wording.Count(row.UnfinishedTurns, "unfinished turn");
        }

        return text + $" · {row.InputTokenCount.ToString("#,0", Invariant)} in / {row.OutputTokenCount.ToString("#,0", Invariant)} out"
            + $" · {Wording.Count(row.TotalTokenCount, "token")} · {UsageLineFormatter.Cost(row.CostUsd)}";
    }


    // A count as a table cell: "-" for none, so a model used only for summaries does not read as "0 turns".
    private static Text CountCell(int count) => new(count == 0 ? "-" : count.ToString(Invariant));

    // Unfinished turns are counted in the total line only: one more column would not fit an 80-column terminal.
    private static Table Table(
        string title, string keyName, IEnumerable<UsageReportRow> rows, IReadOnlyDictionary<string, string>? shortIds, bool summaries)
    {
        var table = new Table().Border(TableBorder.Simple).Title(title);
        table.AddColumn(new TableColumn(keyName).NoWrap());
        if (shortIds is not null)
        {
            table.AddColumn(new TableColumn("title"));
        }

        table.AddColumn(new TableColumn("turns").RightAligned().NoWrap());
        if (summaries)
        {
            table.AddColumn(new TableColumn("summaries").RightAligned().NoWrap());
        }

        table.AddColumn(new TableColumn("in").RightAligned().NoWrap())
            .AddColumn(new TableColumn("out").RightAligned().NoWrap())
            .AddColumn(new TableColumn("total").RightAligned().NoWrap())
            .AddColumn(new TableColumn("cost").RightAligned().NoWrap());
        foreach (var row in rows)
        {
            var cells = new List<IRenderable> { new Text(shortIds is null ? row.Key : ShortIds.Of(shortIds, row.Key)) };
            if (shortIds is not null)
            {
                cells.Add(new Text(row.Label ?? "(untitled)"));
            }

            cells.Add(CountCell(row.ChatTurns));
            if (summaries)
            {
                cells.Add(CountCell(row.SummaryCalls));
            }

            cells.Add(new Text(row.InputTokenCount.ToString("#,0", Invariant)));
            cells.Add(new Text(row.OutputTokenCount.ToString("#,0", Invariant)));
            cells.Add(new Text(row.TotalTokenCount.ToString("#,0", Invariant)));
            cells.Add(new Text(row.UnpricedTurns > 0 && row.CostUsd == 0 ? "?" : UsageLineFormatter.Cost(row.CostUsd)));
            table.AddRow(cells);
        }

        return table;
    }

    private static string Line(string group, UsageReportRow row, string key, string? label) => string.Join(
        '\t',
        group,
        Tsv.Field(key),
        Tsv.Field(label),
        row.ChatTurns.ToString(Invariant),
        row.InputTokenCount.ToString(Invariant),
        row.OutputTokenCount.ToString(Invariant),
        row.TotalTokenCount.ToString(Invariant),
        Tsv.Cost(row.CostUsd),
        row.SummaryCalls.ToString(Invariant),
        row.UnfinishedTurns.ToString(Invariant));
}
