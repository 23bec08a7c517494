using Spectre.Console;

namespace Parley.Cli;

/// <summary><c>parley history search</c> on stdout: a table in a terminal; tab-separated id, title, snippet when piped.</summary>
internal static class SearchHitView
{
    public static Table Table(IEnumerable<SearchHit> hits, IReadOnlyDictionary<string, string> shortIds)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn("id").NoWrap())
            .AddColumn("title")
            .AddColumn("snippet");
        foreach (var hit in hits)
        {
            table.AddRow(
                new Text(ShortIds.Of(shortIds, hit.ConversationId), new Style(Color.Aqua)),
                new Text(hit.Title ?? "(untitled)"),
                new Text($"{hit.Role}: {hit.Snippet}"));
        }

        return table;
    }

    public static IEnumerable<string> Lines(IEnumerable<SearchHit> hits, IReadOnlyDictionary<string, string> shortIds) =>
        hits.Select(hit => string.Join('\t', ShortIds.Of(shortIds, hit.ConversationId), Tsv.Field(hit.Title), Tsv.Field($"{hit.Role}: {hit.Snippet}")));
}
