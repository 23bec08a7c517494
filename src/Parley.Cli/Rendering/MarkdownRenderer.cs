using System.Globalization;
using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Spectre.Console;
using Spectre.Console.Rendering;
using MarkdownTable = Markdig.Extensions.Tables.Table;
using SpectreTable = Spectre.Console.Table;
using TableCell = Markdig.Extensions.Tables.TableCell;
using TableRow = Markdig.Extensions.Tables.TableRow;

namespace Parley.Cli;

/// <summary>
/// Turns Markdown (CommonMark + pipe tables, strikethrough and task lists; raw HTML is shown as text) into
/// Spectre.Console renderables for the terminal. Text is only ever passed to Spectre as plain text
/// (<see cref="Paragraph"/>, <see cref="Text"/>) or escaped, so model output containing <c>[red]</c> or <c>[/]</c> is
/// printed literally, never interpreted as markup. Styling goes through <see cref="Style"/>, so a console without
/// colors or ANSI (<c>NO_COLOR</c>, redirected output) gets readable plain text.
/// </summary>
internal sealed class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .DisableHtml()
        .Build();

    private static readonly Style[] HeadingStyles =
    [
        new(Color.Magenta1, decoration: Decoration.Bold | Decoration.Underline),
        new(Color.DeepSkyBlue1, decoration: Decoration.Bold),
        new(Color.SpringGreen2, decoration: Decoration.Bold),
        new(Color.Yellow, decoration: Decoration.Bold),
        new(Color.Orange1, decoration: Decoration.Bold),
        new(Color.Grey, decoration: Decoration.Bold),
    ];

    private static readonly Style CodeStyle = new(Color.Orange1);
    private static readonly Style CodeBlockStyle = Style.Plain;
    private static readonly Style CodeBorderStyle = new(Color.Grey);
    private static readonly Style LinkStyle = new(Color.DeepSkyBlue1, decoration: Decoration.Underline);
    private static readonly Style UrlStyle = new(Color.Grey);
    private static readonly Style MarkerStyle = new(Color.Grey);
    private static readonly Style QuoteGutterStyle = new(Color.Grey);
    private static readonly Style QuoteTextStyle = new(decoration: Decoration.Italic);
    private static readonly Style RuleStyle = new(Color.Grey);
    private static readonly Style TableBorderStyle = new(Color.Grey);
    private static readonly Style TableHeaderStyle = new(decoration: Decoration.Bold);

    private static readonly string[] Bullets = ["•", "◦", "▪"];
    private static readonly string[] AsciiBullets = ["*", "-", "+"];

    private readonly bool _plain;

    /// <param name="plain">
    /// True when the console shows no styles (<c>NO_COLOR</c>, no ANSI): inline code then keeps its backticks and
    /// level 1 and 2 headings get a rule underneath, so they stay distinguishable in plain text.
    /// </param>
    public MarkdownRenderer(bool plain = false)
    {
        _plain = plain;
    }

    /// <summary>A renderer suited to the console: plain when it has no colors or no ANSI support.</summary>
    public static MarkdownRenderer For(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var capabilities = console.Profile.Capabilities;
        return new MarkdownRenderer(plain: !capabilities.Ansi || capabilities.ColorSystem == ColorSystem.NoColors);
    }

    /// <summary>Parses Markdown with the pipeline the renderer uses.</summary>
    public static MarkdownDocument Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        return Markdown.Parse(markdown, Pipeline);
    }

    /// <summary>Renders Markdown as one renderable per top-level block (heading, paragraph, code block, list, …).</summary>
    public IReadOnlyList<IRenderable> Render(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var document = Parse(markdown);
        var blocks = new List<IRenderable>();
        foreach (var block in document)
        {
            if (RenderBlock(block, listDepth: 0) is { } renderable)
            {
                blocks.Add(renderable);
            }
        }

        return blocks;
    }

    /// <summary>Renders Markdown as a single renderable, top-level blocks separated by a blank line.</summary>
    public IRenderable RenderDocument(string markdown) => Stack(Render(markdown), spaced: true);

    private IRenderable? RenderBlock(Block block, int listDepth) => block switch
    {
        HeadingBlock heading => RenderHeading(heading),
        FencedCodeBlock fenced => RenderCode(fenced, Language(fenced)),
        CodeBlock code => RenderCode(code, language: null),
        ThematicBreakBlock => new Rule { Style = RuleStyle },
        ListBlock list => RenderList(list, listDepth),
        QuoteBlock quote => RenderQuote(quote, listDepth),
        MarkdownTable table => RenderTable(table),
        ParagraphBlock paragraph => Inlines(paragraph.Inline, Style.Plain),
        LinkReferenceDefinitionGroup => null,
        LinkReferenceDefinition => null,
        LeafBlock leaf when leaf.Inline is not null => Inlines(leaf.Inline, Style.Plain),
        LeafBlock leaf => new Text(LinesOf(leaf)),
        ContainerBlock container => RenderChildren(container, listDepth, spaced: true),
        _ => null,
    };

    private IRenderable RenderHeading(HeadingBlock heading)
    {
        var style = HeadingStyles[Math.Clamp(heading.Level, 1, HeadingStyles.Length) - 1];
        var text = Inlines(heading.Inline, style);

        // Without styles a heading would look like a paragraph: levels 1 and 2 get a rule underneath instead.
        return _plain && heading.Level <= 2
            ? new Rows(text, new Rule { Border = heading.Level == 1 ? BoxBorder.Double : BoxBorder.Square })
            : text;
    }

    private static Panel RenderCode(LeafBlock code, string? language)
    {
        var text = LinesOf(code).Replace("\t", "    ", StringComparison.Ordinal);
        var panel = new Panel(new Text(text, CodeBlockStyle))
        {
            Border = BoxBorder.Rounded,
            BorderStyle = CodeBorderStyle,
            Expand = true,
            Padding = new Padding(1, 0, 1, 0),
        };
        if (!string.IsNullOrWhiteSpace(language))
        {
            panel.Header = new PanelHeader(Markup.Escape(language));
        }

        return panel;
    }

    private static string? Language(FencedCodeBlock fenced)
    {
        var info = fenced.Info;
        return string.IsNullOrWhiteSpace(info) ? null : info.Trim();
    }

    private IRenderable RenderList(ListBlock list, int depth)
    {
        var items = new List<IRenderable>();
        var number = StartNumber(list);
        var bulletIndex = depth % Bullets.Length;
        var markers = new List<(string Unicode, string Ascii)>();
        foreach (var child in list)
        {
            if (list.IsOrdered)
            {
                var delimiter = list.OrderedDelimiter == ')' ? ")" : ".";
                var text = number.ToString(CultureInfo.InvariantCulture) + delimiter + " ";
                markers.Add((text, text));
                number++;
            }
            else
            {
                markers.Add((Bullets[bulletIndex] + " ", AsciiBullets[bulletIndex] + " "));
            }
        }

        // Ordered markers are padded to the widest one so item text lines up (9. / 10.).
        var width = markers.Count == 0 ? 0 : markers.Max(m => m.Unicode.Length);
        var index = 0;
        foreach (var child in list)
        {
            var (unicode, ascii) = markers[index++];
            var content = child is ContainerBlock item
                ? RenderChildren(item, depth + 1, spaced: list.IsLoose)
                : RenderBlock(child, depth + 1) ?? Text.Empty;
            var pad = new string(' ', width);
            items.Add(new PrefixedBlock(content, unicode.PadLeft(width), pad, MarkerStyle, ascii.PadLeft(width), pad));
        }

        return Stack(items, spaced: list.IsLoose);
    }

    private static long StartNumber(ListBlock list) =>
        long.TryParse(list.OrderedStart, NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : 1;

    private PrefixedBlock RenderQuote(QuoteBlock quote, int listDepth) =>
        new(RenderChildren(quote, listDepth, spaced: true, QuoteTextStyle), "│ ", "│ ", QuoteGutterStyle, "| ", "| ");

    private SpectreTable RenderTable(MarkdownTable markdownTable)
    {
        var rows = markdownTable.OfType<TableRow>().ToList();
        var columnCount = Math.Max(
            markdownTable.ColumnDefinitions.Count,
            rows.Count == 0 ? 0 : rows.Max(r => r.Count));
        var table = new SpectreTable
        {
            Border = TableBorder.Rounded,
            BorderStyle = TableBorderStyle,
        };

        var header = rows.FirstOrDefault(r => r.IsHeader);
        for (var column = 0; column < columnCount; column++)
        {
            IRenderable title = header is not null && column < header.Count && header[column] is TableCell cell
                ? RenderCell(cell, TableHeaderStyle)
                : Text.Empty;
            var tableColumn = new TableColumn(title);
            var alignment = column < markdownTable.ColumnDefinitions.Count
                ? markdownTable.ColumnDefinitions[column].Alignment
                : null;
            tableColumn.Alignment = alignment switch
            {
                TableColumnAlign.Center => Justify.Center,
                TableColumnAlign.Right => Justify.Right,
                TableColumnAlign.Left => Justify.Left,
                _ => null,
            };
            table.AddColumn(tableColumn);
        }

        table.ShowHeaders = header is not null;
        foreach (var row in rows)
        {
            if (row == header)
            {
                continue;
            }

            var cells = new IRenderable[columnCount];
            for (var column = 0; column < columnCount; column++)
            {
                cells[column] = column < row.Count && row[column] is TableCell cell
                    ? RenderCell(cell, Style.Plain)
                    : Text.Empty;
            }

            table.AddRow(cells);
        }

        return table;
    }

    private IRenderable RenderCell(TableCell cell, Style style)
    {
        var parts = new List<IRenderable>();
        foreach (var block in cell)
        {
            parts.Add(block is LeafBlock { Inline: { } inline } ? Inlines(inline, style) : RenderBlock(block, 0) ?? Text.Empty);
        }

        return parts.Count == 1 ? parts[0] : Stack(parts, spaced: false);
    }

    private IRenderable RenderChildren(ContainerBlock container, int listDepth, bool spaced, Style? paragraphStyle = null)
    {
        var parts = new List<IRenderable>();
        foreach (var child in container)
        {
            var renderable = child is ParagraphBlock paragraph && paragraphStyle is { } style
                ? Inlines(paragraph.Inline, style)
                : RenderBlock(child, listDepth);
            if (renderable is not null)
            {
                parts.Add(renderable);
            }
        }

        return parts.Count == 1 ? parts[0] : Stack(parts, spaced);
    }

    private static IRenderable Stack(IReadOnlyList<IRenderable> parts, bool spaced)
    {
        if (parts.Count == 0)
        {
            return Text.Empty;
        }

        if (!spaced)
        {
            return new Rows(parts);
        }

        var spacedParts = new List<IRenderable>(parts.Count * 2);
        foreach (var part in parts)
        {
            if (spacedParts.Count > 0)
            {
                spacedParts.Add(BlankLine.Instance);
            }

            spacedParts.Add(part);
        }

        return new Rows(spacedParts);
    }

    private Paragraph Inlines(ContainerInline? inlines, Style style)
    {
        var paragraph = new Paragraph();
        if (inlines is not null)
        {
            AppendInlines(paragraph, inlines, style, link: null);
        }

        return paragraph;
    }

    private void AppendInlines(Paragraph paragraph, ContainerInline container, Style style, Link? link)
    {
        foreach (var inline in container)
        {
            AppendInline(paragraph, inline, style, link);
        }
    }

    private void AppendInline(Paragraph paragraph, Inline inline, Style style, Link? link)
    {
        switch (inline)
        {
            case LiteralInline literal:
                Append(paragraph, literal.Content.ToString(), style, link);
                break;
            case CodeInline code:
                Append(paragraph, _plain ? "`" + code.Content + "`" : code.Content, style.Combine(CodeStyle), link);
                break;
            case LineBreakInline lineBreak:
                Append(paragraph, lineBreak.IsHard ? "\n" : " ", style, link);
                break;
            case TaskList task:
                Append(paragraph, task.Checked ? "[x]" : "[ ]", style.Combine(MarkerStyle), link);
                break;
            case EmphasisInline emphasis:
                AppendInlines(paragraph, emphasis, style.Combine(EmphasisStyle(emphasis)), link);
                break;
            case LinkInline { IsImage: true } image:
                Append(paragraph, "image: ", style.Combine(UrlStyle), link);
                AppendInlines(paragraph, image, style, link);
                AppendUrl(paragraph, image.Url, style);
                break;
            case LinkInline linkInline:
                AppendLink(paragraph, linkInline, style);
                break;
            case AutolinkInline autolink:
                Append(paragraph, autolink.Url, style.Combine(LinkStyle), MakeLink(autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url));
                break;
            case HtmlEntityInline entity:
                Append(paragraph, entity.Transcoded.ToString(), style, link);
                break;
            case HtmlInline html:
                Append(paragraph, html.Tag, style, link);
                break;
            case ContainerInline nested:
                AppendInlines(paragraph, nested, style, link);
                break;
            default:
                Append(paragraph, inline.ToString() ?? string.Empty, style, link);
                break;
        }
    }

    private void AppendLink(Paragraph paragraph, LinkInline linkInline, Style style)
    {
        var url = linkInline.GetDynamicUrl?.Invoke() ?? linkInline.Url ?? string.Empty;
        var label = PlainText(linkInline);
        AppendInlines(paragraph, linkInline, style.Combine(LinkStyle), MakeLink(url));
        if (label.Length == 0 && url.Length > 0)
        {
            Append(paragraph, url, style.Combine(LinkStyle), MakeLink(url));
        }
        else if (!string.Equals(label.Trim(), url.Trim(), StringComparison.Ordinal))
        {
            AppendUrl(paragraph, url, style);
        }
    }

    private static void AppendUrl(Paragraph paragraph, string? url, Style style)
    {
        if (!string.IsNullOrEmpty(url))
        {
            Append(paragraph, " (" + url + ")", style.Combine(UrlStyle), null);
        }
    }

    private static Link? MakeLink(string url) => string.IsNullOrWhiteSpace(url) ? null : new Link(url);

    private static Style EmphasisStyle(EmphasisInline emphasis) => (emphasis.DelimiterChar, emphasis.DelimiterCount) switch
    {
        ('~', 2) => new Style(decoration: Decoration.Strikethrough),
        ('+', 2) => new Style(decoration: Decoration.Underline),
        ('=', 2) => new Style(decoration: Decoration.Invert),
        ('*' or '_', 1) => new Style(decoration: Decoration.Italic),
        ('*' or '_', >= 2) => new Style(decoration: Decoration.Bold),
        _ => Style.Plain,
    };

    private static void Append(Paragraph paragraph, string text, Style style, Link? link)
    {
        if (text.Length > 0)
        {
            paragraph.Append(text, style, link);
        }
    }

    private static string PlainText(ContainerInline container)
    {
        var builder = new StringBuilder();
        foreach (var inline in container.Descendants<Inline>())
        {
            switch (inline)
            {
                case LiteralInline literal:
                    builder.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    builder.Append(code.Content);
                    break;
                case AutolinkInline autolink:
                    builder.Append(autolink.Url);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string LinesOf(LeafBlock block)
    {
        var lines = block.Lines;
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('\n');
            }

            builder.Append(lines.Lines[i].Slice.ToString());
        }

        return builder.ToString().TrimEnd('\n');
    }
}
