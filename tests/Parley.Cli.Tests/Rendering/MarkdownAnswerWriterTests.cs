using Spectre.Console;
using Spectre.Console.Testing;

namespace Parley.Cli.Tests.Rendering;

public sealed class MarkdownAnswerWriterTests
{
    private const string EraseLine = "\u001b[2K";

    [Fact]
    public async Task WriteAsync_RenderedCodeBlock_GetsPanelAndShowsBracketsLiterally()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await WriteAllAsync(writer, "Try this:\n\n``", "`python\nprint(\"[red]alert[/]\")\n", "```\n");
        var lines = Lines(console.Output);

        Assert.Equal("Try this:", lines[0]);
        Assert.Equal("", lines[1]);
        Assert.StartsWith("╭─python─", lines[2]);
        Assert.Equal("│ print(\"[red]alert[/]\")", lines[3].TrimEnd('│').TrimEnd());
        Assert.StartsWith("╰", lines[4]);
        Assert.DoesNotContain("```", console.Output);
    }

    [Fact]
    public async Task WriteAsync_RenderedTable_GetsBorders()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await WriteAllAsync(writer, "| Model | Price |\n|---|--", "-:|\n| gpt [mini] | 0.15 |\n");
        await writer.CompleteAsync(CancellationToken.None);
        var lines = Lines(console.Output);

        Assert.StartsWith("╭", lines[0]);
        Assert.Matches(@"^│ Model\s+│ Price │$", lines[1]);
        Assert.StartsWith("├", lines[2]);
        Assert.Equal("│ gpt [mini] │  0.15 │", lines[3]);
        Assert.StartsWith("╰", lines[4]);
    }

    [Fact]
    public async Task WriteAsync_RenderedHeading_ShowsWithoutHashMarkers()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await WriteAllAsync(writer, "## Sum", "mary\nIt works.\n\n");

        Assert.Equal(["Summary", "", "It works."], Lines(console.Output));
    }

    [Fact]
    public async Task WriteAsync_IncompleteBlock_WritesNothingUntilItCompletes()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await writer.WriteAsync("A **bold** start", CancellationToken.None);
        await writer.WriteAsync(" and more\n", CancellationToken.None);

        Assert.Equal(string.Empty, console.Output);
        Assert.False(writer.HasWritten);

        await writer.WriteAsync("\n", CancellationToken.None);

        Assert.Equal(["A bold start and more"], Lines(console.Output));
        Assert.True(writer.HasWritten);
    }

    [Fact]
    public async Task WriteAsync_FenceClosesWithoutBlankLine_RendersCodeAtOnce()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await writer.WriteAsync("```\nx\n```\n", CancellationToken.None);

        Assert.Contains("│ x", console.Output);
    }

    [Fact]
    public async Task CompleteAsync_Rendered_FlushesTheLastBlock()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await WriteAllAsync(writer, "First.\n\n", "- one\n- two");
        Assert.Equal(["First."], Lines(console.Output));

        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal(["First.", "", "• one", "• two"], Lines(console.Output));
        Assert.EndsWith("\n", console.Output);
    }

    [Fact]
    public async Task CompleteAsync_RenderedUnclosedFence_RendersItAsCode()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await writer.WriteAsync("```js\nlet a = [1];", CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Contains("╭─js─", console.Output);
        Assert.Contains("│ let a = [1];", console.Output);
    }

    [Fact]
    public async Task WriteAsync_RenderedBlocks_AreSeparatedByOneBlankLine()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await WriteAllAsync(writer, "# T\none\n\n\n\ntwo\n\n---\n");
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal(["T", "", "one", "", "two", "", new string('─', 80)], Lines(console.Output));
    }

    [Fact]
    public async Task WriteAsync_RenderedOnNoColorConsole_WritesNoEscapeSequences()
    {
        var console = new TestConsole().Width(80).Colors(ColorSystem.NoColors).SupportsAnsi(false);
        console.EmitAnsiSequences = true;
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await WriteAllAsync(writer, "# Title\n\n**bold** `x`\n\n", "```\n[red]\n```\n");
        await writer.CompleteAsync(CancellationToken.None);

        Assert.DoesNotContain('\u001b', console.Output);
        Assert.Contains("bold `x`", console.Output);
        Assert.Contains("│ [red]", console.Output);
    }

    [Fact]
    public async Task WriteAsync_RenderedOnInteractiveAnsiConsole_ShowsLiveLineAndErasesIt()
    {
        var console = new TestConsole().Width(40).Colors(ColorSystem.Standard).SupportsAnsi(true).Interactive();
        console.EmitAnsiSequences = true;
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await writer.WriteAsync("Streaming [red] tex", CancellationToken.None);

        Assert.Contains("… Streaming [red] tex", console.Output);
        Assert.DoesNotContain(EraseLine, console.Output);

        await writer.WriteAsync("t\n\n", CancellationToken.None);
        var afterBlock = console.Output[console.Output.LastIndexOf(EraseLine, StringComparison.Ordinal)..];

        Assert.Contains("Streaming [red] text", afterBlock);
        Assert.DoesNotContain("…", afterBlock);
        await writer.CompleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task WriteAsync_LiveLineLongerThanConsole_ShowsOnlyItsTail()
    {
        var console = new TestConsole().Width(20).SupportsAnsi(true).Interactive();
        console.EmitAnsiSequences = true;
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await writer.WriteAsync("0123456789abcdefghijklmnopqrstuvwxyz", CancellationToken.None);

        Assert.Contains("… jklmnopqrstuvwxyz", console.Output);
        Assert.DoesNotContain("ijklmnopqrstuvwxyz", console.Output);
        await writer.CompleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task CompleteAsync_RenderedOnInteractiveConsole_ErasesLiveLineBeforeTheRest()
    {
        var console = new TestConsole().Width(40).SupportsAnsi(true).Interactive();
        console.EmitAnsiSequences = true;
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await writer.WriteAsync("tail without newline", CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        var afterErase = console.Output[(console.Output.LastIndexOf(EraseLine, StringComparison.Ordinal) + EraseLine.Length)..];

        Assert.Equal("tail without newline\n", afterErase);
    }

    [Fact]
    public async Task WriteAsync_RenderedOnNonInteractiveConsole_ShowsNoLiveLine()
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await writer.WriteAsync("partial", CancellationToken.None);

        Assert.Equal(string.Empty, console.Output);
    }

    [Fact]
    public async Task WriteAsync_Plain_WritesChunksExactly()
    {
        var console = new TestConsole().Width(20);
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Plain);
        string[] chunks = ["# Ti", "tle\n\n**[red]bold[/]** ", "and a line far longer than twenty columns\n", "```py\nx\n```"];

        await WriteAllAsync(writer, chunks);

        Assert.Equal(string.Concat(chunks), console.Output);
        Assert.True(writer.HasWritten);
    }

    [Fact]
    public async Task CompleteAsync_PlainWithoutFinalNewline_AddsOne()
    {
        var console = new TestConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Plain);

        await writer.WriteAsync("answer", CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal("answer\n", console.Output);
    }

    [Fact]
    public async Task CompleteAsync_PlainEndingInNewline_AddsNothing()
    {
        var console = new TestConsole();
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Plain);

        await writer.WriteAsync("answer\n", CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal("answer\n", console.Output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CompleteAsync_NothingWritten_WritesNothing(bool rendered)
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, Mode(rendered));

        await writer.WriteAsync(string.Empty, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal(string.Empty, console.Output);
        Assert.False(writer.HasWritten);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CompleteAsync_CalledTwice_WritesOnce(bool rendered)
    {
        var console = NewConsole();
        var writer = new MarkdownAnswerWriter(console, Mode(rendered));

        await writer.WriteAsync("text", CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        var once = console.Output;
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal(once, console.Output);
        Assert.Equal("text", console.Output.TrimEnd());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAsync_AfterComplete_Throws(bool rendered)
    {
        var writer = new MarkdownAnswerWriter(NewConsole(), Mode(rendered));
        await writer.CompleteAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync("x", CancellationToken.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAsync_CancelledToken_Throws(bool rendered)
    {
        var writer = new MarkdownAnswerWriter(NewConsole(), Mode(rendered));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync("x", new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAsync_Null_ThrowsWithParameterName(bool rendered)
    {
        var writer = new MarkdownAnswerWriter(NewConsole(), Mode(rendered));

        var exception = await Assert.ThrowsAsync<ArgumentNullException>(() => writer.WriteAsync(null!, CancellationToken.None));

        Assert.Equal("chunk", exception.ParamName);
    }

    [Fact]
    public async Task WriteAsync_RenderedOnProcessStyleConsole_FlushesEachCompletedBlock()
    {
        using var output = new FlushCountingWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        var writer = new MarkdownAnswerWriter(console, MarkdownAnswerMode.Rendered);

        await writer.WriteAsync("# Hi\n", CancellationToken.None);
        var flushedAfterHeading = output.FlushedText;
        await writer.WriteAsync("[b]x[/b]", CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.StartsWith("Hi", flushedAfterHeading);
        Assert.Contains("[b]x[/b]", output.FlushedText);
    }

    [Fact]
    public void Constructor_NullConsole_ThrowsWithParameterName()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => new MarkdownAnswerWriter(null!, MarkdownAnswerMode.Plain));

        Assert.Equal("console", exception.ParamName);
    }

    private static MarkdownAnswerMode Mode(bool rendered) => rendered ? MarkdownAnswerMode.Rendered : MarkdownAnswerMode.Plain;

    private static TestConsole NewConsole() => new TestConsole().Width(80);

    private static async Task WriteAllAsync(MarkdownAnswerWriter writer, params string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            await writer.WriteAsync(chunk, CancellationToken.None);
        }
    }

    private static List<string> Lines(string output) =>
        output.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()).ToList();

    private sealed class FlushCountingWriter : StringWriter
    {
        public string FlushedText { get; private set; } = string.Empty;

        public override void Flush()
        {
            base.Flush();
            FlushedText = ToString();
        }

        public override Task FlushAsync()
        {
            Flush();
            return Task.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flush();
            return Task.CompletedTask;
        }
    }
}
