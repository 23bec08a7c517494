using Spectre.Console;
using Spectre.Console.Testing;

namespace Parley.Cli.Tests.Rendering;

public sealed class MarkdownRendererTests
{
    private const char Escape = '\u001b';

    [Fact]
    public void Render_Heading_ShowsTextWithoutHashMarkers()
    {
        var output = Render("# Getting started\n\n## Install\n\n###### Tiny");

        Assert.Contains("Getting started", output);
        Assert.Contains("Install", output);
        Assert.Contains("Tiny", output);
        Assert.DoesNotContain("#", output);
    }

    [Fact]
    public void Render_HeadingLevels_UseDistinctStyles()
    {
        var output = Render("# One\n\n## Two\n\n### Three", ansi: true);
        var lines = output.Split('\n').Where(l => l.Contains("One") || l.Contains("Two") || l.Contains("Three")).ToList();

        Assert.Equal(3, lines.Count);
        var prefixes = lines.Select(l => l[..l.IndexOfAny(['O', 'T'])]).ToList();
        Assert.All(prefixes, p => Assert.StartsWith(Escape + "[1", p)); // bold
        Assert.Equal(3, prefixes.Distinct().Count());
    }

    [Fact]
    public void Render_InlineStyles_BoldItalicStrikeAndCodeAreStyled()
    {
        var output = Render("Some **bold**, *italic*, ~~gone~~ and `code`.", ansi: true);

        Assert.Contains(Escape + "[1mbold", output);
        Assert.Contains(Escape + "[3mitalic", output);
        Assert.Contains(Escape + "[9mgone", output);
        Assert.Matches(Escape + @"\[[0-9;]+mcode", output);
        Assert.DoesNotContain("**", output);
        Assert.DoesNotContain("~~", output);
        Assert.DoesNotContain("`", output);
    }

    [Fact]
    public void Render_Link_ShowsTextThenUrl()
    {
        var output = Render("See [the docs](https://example.com/docs) now.");

        Assert.Contains("See the docs (https://example.com/docs) now.", output);
    }

    [Fact]
    public void Render_AutolinkAndLinkWhoseTextIsTheUrl_ShowUrlOnce()
    {
        var output = Render("<https://example.com> and [https://example.org](https://example.org)");

        Assert.Contains("https://example.com and https://example.org", output);
        Assert.DoesNotContain("(https://", output);
    }

    [Fact]
    public void Render_Image_ShowsAltTextAndUrl()
    {
        var output = Render("![a cat](https://example.com/cat.png)");

        Assert.Contains("image: a cat (https://example.com/cat.png)", output);
    }

    [Fact]
    public void Render_FencedCode_DrawsPanelWithLanguageHeader()
    {
        var output = Render("```python\ndef f(x):\n    return x\n```");
        var lines = Lines(output);

        Assert.StartsWith("╭─python─", lines[0]);
        Assert.EndsWith("╮", lines[0]);
        Assert.Equal("│ def f(x):", lines[1].TrimEnd('│').TrimEnd());
        Assert.Equal("│     return x", lines[2].TrimEnd('│').TrimEnd());
        Assert.StartsWith("╰", lines[3]);
        Assert.DoesNotContain("```", output);
    }

    [Fact]
    public void Render_FencedCodeWithoutLanguage_DrawsPanelWithoutHeader()
    {
        var lines = Lines(Render("~~~\nplain\n~~~"));

        Assert.Matches("^╭─+╮$", lines[0]);
        Assert.Contains("plain", lines[1]);
    }

    [Fact]
    public void Render_IndentedCode_DrawsPanel()
    {
        var lines = Lines(Render("Text:\n\n    let x = 1;\n    let y = 2;"));

        Assert.Equal("Text:", lines[0]);
        Assert.StartsWith("╭", lines[2]);
        Assert.StartsWith("│ let x = 1;", lines[3]);
        Assert.StartsWith("│ let y = 2;", lines[4]);
    }

    [Fact]
    public void Render_CodeLanguageWithMarkup_IsEscapedInHeader()
    {
        var output = Render("```[red]\nx\n```");

        Assert.Contains("[red]", output);
    }

    [Theory]
    [InlineData("```\nvar a = b[red]; c[/] = \"[bold]\";\n```")]
    [InlineData("    var a = b[red]; c[/] = \"[bold]\";")]
    [InlineData("var a = b[red]; c[/] = \"[bold]\";")]
    [InlineData("`var a = b[red]; c[/] = \"[bold]\";`")]
    [InlineData("> var a = b[red]; c[/] = \"[bold]\";")]
    [InlineData("- var a = b[red]; c[/] = \"[bold]\";")]
    [InlineData("# var a = b[red]; c[/] = \"[bold]\";")]
    [InlineData("| code |\n|---|\n| var a = b[red]; c[/] = \"[bold]\"; |")]
    [InlineData("| var a = b[red]; c[/] = \"[bold]\"; |\n|---|\n| x |")]
    public void Render_SquareBracketsInAnyBlock_AreShownLiterally(string markdown)
    {
        var output = Render(markdown, width: 120);

        Assert.Contains("var a = b[red]; c[/] = \"[bold]\";", output);
    }

    [Fact]
    public void Render_LoneClosingTag_DoesNotThrow()
    {
        var output = Render("[/] and [ and ] and [[ ]]");

        Assert.Contains("[/] and [ and ] and [[ ]]", output);
    }

    [Fact]
    public void Render_Html_IsShownAsText()
    {
        var output = Render("A <b>bold</b> word.\n\n<div>block</div>");

        Assert.Contains("A <b>bold</b> word.", output);
        Assert.Contains("<div>block</div>", output);
    }

    [Fact]
    public void Render_BulletList_NestsWithIndentation()
    {
        var lines = Lines(Render("- one\n- two\n  - inner\n  - inner 2\n- three"));

        Assert.Equal(["• one", "• two", "  ◦ inner", "  ◦ inner 2", "• three"], lines);
    }

    [Fact]
    public void Render_OrderedList_KeepsStartNumberAndAlignsMarkers()
    {
        var lines = Lines(Render("8. eight\n9. nine\n10. ten"));

        Assert.Equal([" 8. eight", " 9. nine", "10. ten"], lines);
    }

    [Fact]
    public void Render_OrderedListWithParenthesis_KeepsDelimiter()
    {
        var lines = Lines(Render("3) three\n4) four"));

        Assert.Equal(["3) three", "4) four"], lines);
    }

    [Fact]
    public void Render_OrderedListInsideBulletList_IsIndented()
    {
        var lines = Lines(Render("- steps\n  1. first\n  2. second"));

        Assert.Equal(["• steps", "  1. first", "  2. second"], lines);
    }

    [Fact]
    public void Render_LongListItem_WrapsUnderItsText()
    {
        var lines = Lines(Render("- alpha beta gamma delta epsilon", width: 16));

        Assert.Equal("• alpha beta", lines[0]);
        Assert.StartsWith("  gamma", lines[1]);
    }

    [Fact]
    public void Render_LooseList_SeparatesItemsWithBlankLine()
    {
        var lines = Lines(Render("- one\n\n- two"));

        Assert.Equal(["• one", "", "• two"], lines);
    }

    [Fact]
    public void Render_TaskList_ShowsCheckboxes()
    {
        var lines = Lines(Render("- [ ] todo\n- [x] done"));

        Assert.Equal(["• [ ] todo", "• [x] done"], lines);
    }

    [Fact]
    public void Render_BlockQuote_HasGutterOnEveryLine()
    {
        var lines = Lines(Render("> first paragraph\n>\n> second **one**"));

        Assert.Equal(["│ first paragraph", "│", "│ second one"], lines);
    }

    [Fact]
    public void Render_NestedBlockQuote_HasTwoGutters()
    {
        var lines = Lines(Render("> outer\n>\n> > inner"));

        Assert.Equal("│ │ inner", lines[^1]);
    }

    [Fact]
    public void Render_ThematicBreak_DrawsFullWidthRule()
    {
        var lines = Lines(Render("above\n\n---\n\nbelow", width: 40));

        Assert.Equal(["above", "", new string('─', 40), "", "below"], lines);
    }

    [Fact]
    public void Render_PipeTable_DrawsBordersHeaderAndAlignment()
    {
        var output = Render("| Name | Qty | Note |\n|:-----|----:|:----:|\n| apple | 3 | ok |\n| kiwi | 12 | fine |");
        var lines = Lines(output);

        Assert.StartsWith("╭", lines[0]);
        Assert.Contains("┬", lines[0]);
        Assert.Matches(@"│ Name\s+│ Qty │ Note │", lines[1]);
        Assert.StartsWith("├", lines[2]);
        Assert.Equal("│ apple │   3 │  ok  │", lines[3]);
        Assert.Equal("│ kiwi  │  12 │ fine │", lines[4]);
        Assert.StartsWith("╰", lines[5]);
        Assert.DoesNotContain("---", output);
    }

    [Fact]
    public void Render_PipeTableWithMissingCells_FillsThemEmpty()
    {
        var lines = Lines(Render("| a | b |\n|---|---|\n| 1 |"));

        Assert.Equal("│ 1 │   │", lines[3]);
    }

    [Fact]
    public void Render_Paragraphs_AreSeparateBlocks()
    {
        var renderer = new MarkdownRenderer();

        var blocks = renderer.Render("one\n\ntwo\n\n```\nthree\n```");

        Assert.Equal(3, blocks.Count);
    }

    [Fact]
    public void Render_SoftAndHardLineBreaks_JoinAndBreak()
    {
        var lines = Lines(Render("soft\nbreak and hard  \nbreak"));

        Assert.Equal(["soft break and hard", "break"], lines);
    }

    [Fact]
    public void Render_NoColorConsole_WritesPlainReadableText()
    {
        var console = new TestConsole().Width(60).Colors(ColorSystem.NoColors).SupportsAnsi(false);
        console.EmitAnsiSequences = true;
        var renderer = MarkdownRenderer.For(console);

        console.Write(renderer.RenderDocument("# Title\n\nSome **bold** and `code` with [a link](https://x.y).\n\n- item\n\n```sh\nls [a]\n```"));
        var lines = Lines(console.Output);

        Assert.DoesNotContain(Escape, console.Output);
        Assert.Equal("Title", lines[0]);
        Assert.Matches("^═+$", lines[1]);
        Assert.Equal("Some bold and `code` with a link (https://x.y).", lines[3]);
        Assert.Equal("• item", lines[5]);
        Assert.Contains("│ ls [a]", console.Output);
    }

    [Fact]
    public void Render_ColorConsole_InlineCodeHasNoBackticks()
    {
        var console = new TestConsole().Width(60).Colors(ColorSystem.TrueColor).SupportsAnsi(true);

        console.Write(MarkdownRenderer.For(console).RenderDocument("`code`"));

        Assert.Equal("code", console.Output.Trim());
    }

    [Fact]
    public void Render_ConsoleWithoutUnicode_UsesAsciiMarkers()
    {
        var console = new TestConsole().Width(40).SupportsUnicode(false);

        console.Write(new MarkdownRenderer().RenderDocument("- item\n\n> quote"));
        var lines = Lines(console.Output);

        Assert.Equal(["* item", "", "| quote"], lines);
    }

    [Fact]
    public void Render_Null_ThrowsWithParameterName()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => new MarkdownRenderer().Render(null!));

        Assert.Equal("markdown", exception.ParamName);
    }

    [Fact]
    public void For_Null_ThrowsWithParameterName()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => MarkdownRenderer.For(null!));

        Assert.Equal("console", exception.ParamName);
    }

    private static string Render(string markdown, int width = 80, bool ansi = false)
    {
        var console = new TestConsole().Width(width);
        if (ansi)
        {
            console.Colors(ColorSystem.Standard).SupportsAnsi(true);
            console.EmitAnsiSequences = true;
        }

        console.Write(new MarkdownRenderer().RenderDocument(markdown));
        return console.Output;
    }

    private static List<string> Lines(string output) =>
        output.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()).ToList();
}
