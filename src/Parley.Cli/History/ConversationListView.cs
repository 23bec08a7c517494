using System.Globalization;
using Spectre.Console;

namespace Parley.Cli;

/// <summary>
/// <c>parley history</c> on stdout: a table in a terminal; tab-separated lines (id, title, model, turns, tokens,
/// cost_usd, updated) when piped, so <c>cut</c> and <c>awk</c> work.
/// </summary>
internal static class ConversationListView
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Table Table(IEnumerable<ConversationListItem> items, IReadOnlyDictionary<string, string> shortIds)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn("id").NoWrap())
            .AddColumn(new TableColumn("title"))
            .AddColumn(new TableColumn("model").NoWrap())
            .AddColumn(new TableColumn("turns").RightAligned().NoWrap())
            .AddColumn(new TableColumn("tokens").RightAligned().NoWrap())
            .AddColumn(new TableColumn("cost").RightAligned().NoWrap())
            .AddColumn(new TableColumn("updated").NoWrap());
        foreach (var item in items)
        {
            table.AddRow(
                new Text(ShortIds.Of(shortIds, item.Id), new Style(Color.Aqua)),
                new Text(item.Title ?? "(untitled)"),
                new Text(item.Model ?? "-"),
                new Text(item.TurnCount.ToString(Invariant)),
                new Text(item.TotalTokens.ToString("#,0", Invariant)),
                new Text(item.TotalCostUsd is { } cost ? UsageLineFormatter.Cost(cost) : "-"),
                new Text(DisplayTime.Local(item.UpdatedAt)));
        }

        return table;
    }

    public static IEnumerable<string> Lines(IEnumerable<ConversationListItem> items, IReadOnlyDictionary<string, string> shortIds) =>
        items.Select(item => string.Join(
            '\t',
            ShortIds.Of(shortIds, item.Id),
            Tsv.Field(item.Title),
            Tsv.Field(item.Model),
            item.TurnCount.ToString(Invariant),
            item.TotalTokens.ToString(Invariant),
            Tsv.Cost(item.TotalCostUsd),
            DisplayTime.Local(item.UpdatedAt)));
}
