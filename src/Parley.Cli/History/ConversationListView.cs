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

    public static Table Table(IReadOnlyList<ConversationListItem> items, IReadOnlyDictionary<string, string> shortIds)
    {
        bool keys = items.Any(i => i.KeyName is not null);
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn("id").NoWrap())
            .AddColumn(new TableColumn("title"))
            .AddColumn(new TableColumn("model").NoWrap())
            .AddColumn(new TableColumn("turns").RightAligned().NoWrap())
            .AddColumn(new TableColumn("tokens").RightAligned().NoWrap())
            .AddColumn(new TableColumn("cost").RightAligned().NoWrap())
            .AddColumn(new TableColumn("updated").NoWrap());
        if (keys)
        {
            table.AddColumn(new TableColumn("key").NoWrap());
        }

        foreach (var item in items)
        {
            var cells = new List<Text>
            {
                new(ShortIds.Of(shortIds, item.Id), new Style(Color.Aqua)),
                new(item.Title ?? "(untitled)"),
                new(item.Model ?? "-"),
                new(item.TurnCount.ToString(Invariant)),
                new(item.TotalTokens.ToString("#,0", Invariant)),
                new(item.TotalCostUsd is { } cost ? UsageLineFormatter.Cost(cost) : "-"),
                new(DisplayTime.Local(item.UpdatedAt)),
            };
            if (keys)
            {
                cells.Add(new Text(item.KeyName ?? "-"));
            }

            table.AddRow(cells);
        }

        return table;
    }

    /// <summary>The piped lines; when a listed conversation came through a virtual key, an eighth field names the key (<c>-</c>: none).</summary>
    public static IEnumerable<string> Lines(IReadOnlyList<ConversationListItem> items, IReadOnlyDictionary<string, string> shortIds)
    {
        bool keys = items.Any(i => i.KeyName is not null);
        return items.Select(item => string.Join(
            '\t',
            new[]
            {
                ShortIds.Of(shortIds, item.Id),
                Tsv.Field(item.Title),
                Tsv.Field(item.Model),
                item.TurnCount.ToString(Invariant),
                item.TotalTokens.ToString(Invariant),
                Tsv.Cost(item.TotalCostUsd),
                DisplayTime.Local(item.UpdatedAt),
            }.Concat(keys ? [Tsv.Field(item.KeyName)] : [])));
    }
}
