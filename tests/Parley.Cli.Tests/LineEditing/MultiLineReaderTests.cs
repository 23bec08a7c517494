namespace Parley.Cli.Tests;

[Trait("Category", "LineEditing")]
public class MultiLineReaderTests
{
    /// <summary>Lines from a list, recording the prompt each was read with.</summary>
    private sealed class ScriptedLines(params string[] lines)
    {
        private readonly Queue<string> _lines = new(lines);

        public List<string> Prompts { get; } = [];

        public Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Prompts.Add(prompt);
            return Task.FromResult(_lines.TryDequeue(out var line) ? line : null);
        }
    }

    [Fact]
    public async Task ReadInputAsync_PlainLine_ReturnedAsIs()
    {
        var lines = new ScriptedLines("hello");

        var input = await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None);

        Assert.Equal("hello", input);
        Assert.Equal(["> "], lines.Prompts);
    }

    [Fact]
    public async Task ReadInputAsync_FencedBlock_LinesJoinedWithNewline()
    {
        var lines = new ScriptedLines("\"\"\"", "first line", string.Empty, "  indented", "\"\"\"", "after");

        var input = await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None);
        var next = await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None);

        Assert.Equal("first line\n\n  indented", input);
        Assert.Equal("after", next);
        Assert.Equal(["> ", "... ", "... ", "... ", "... ", "> "], lines.Prompts);
    }

    [Fact]
    public async Task ReadInputAsync_CustomContinuationPrompt_Used()
    {
        var lines = new ScriptedLines("\"\"\"", "x", "\"\"\"");

        await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None, continuationPrompt: "| ");

        Assert.Equal(["> ", "| ", "| "], lines.Prompts);
    }

    [Fact]
    public async Task ReadInputAsync_FenceWithSurroundingWhitespace_StillAFence()
    {
        var lines = new ScriptedLines("  \"\"\"\r", "x", "\"\"\"  ");

        Assert.Equal("x", await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None));
    }

    [Theory]
    [InlineData("\"\"\"x")]
    [InlineData("\"\"")]
    [InlineData("\"\"\"\"")]
    public async Task ReadInputAsync_NotExactlyAFence_PlainLine(string line)
    {
        var lines = new ScriptedLines(line, "next");

        Assert.Equal(line, await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None));
    }

    [Fact]
    public async Task ReadInputAsync_EmptyBlock_EmptyString()
    {
        var lines = new ScriptedLines("\"\"\"", "\"\"\"");

        Assert.Equal(string.Empty, await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None));
    }

    [Fact]
    public async Task ReadInputAsync_EndOfInput_Null()
    {
        var lines = new ScriptedLines();

        Assert.Null(await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None));
    }

    [Fact]
    public async Task ReadInputAsync_EndOfInputInsideBlock_ReturnsLinesSoFarThenNull()
    {
        var lines = new ScriptedLines("\"\"\"", "a", "b");

        var input = await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None);
        var next = await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None);

        Assert.Equal("a\nb", input);
        Assert.Null(next);
    }

    [Fact]
    public async Task ReadInputAsync_EndOfInputRightAfterOpeningFence_Null()
    {
        var lines = new ScriptedLines("\"\"\"");

        Assert.Null(await MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", CancellationToken.None));
    }

    [Fact]
    public async Task ReadInputAsync_PipedText_BlocksAndLines()
    {
        var reader = new StringReader("one\n\"\"\"\r\ndef f():\n    return 1\n\"\"\"\ntwo\n");
        var readLine = MultiLineReader.FromReader(reader);
        var inputs = new List<string>();

        while (await MultiLineReader.ReadInputAsync(readLine, "> ", CancellationToken.None) is { } input)
        {
            inputs.Add(input);
        }

        Assert.Equal(["one", "def f():\n    return 1", "two"], inputs);
    }

    [Fact]
    public async Task ReadInputAsync_LineEditor_CollectsBlockWithContinuationPrompts()
    {
        var keys = new ScriptedKeySource(
            "\"\"\"", Keys.Enter, "line 1", Keys.Enter, "  line 2", Keys.Enter, "\"\"\"", Keys.Enter);
        var output = new StringWriter();
        var editor = new LineEditor(keys, output, terminalWidth: () => 80);

        var input = await MultiLineReader.ReadInputAsync(MultiLineReader.FromEditor(editor), "> ", CancellationToken.None);

        Assert.Equal("line 1\n  line 2", input);
        var terminal = new VirtualTerminal(80);
        terminal.Write(output.ToString());
        Assert.Equal("> \"\"\"\n... line 1\n...   line 2\n... \"\"\"", terminal.Screen);
    }

    [Fact]
    public async Task ReadInputAsync_LineEditorCtrlDInsideBlock_EndsBlock()
    {
        var keys = new ScriptedKeySource("\"\"\"", Keys.Enter, "only", Keys.Enter, Keys.Ctrl('d'));
        var editor = new LineEditor(keys, new StringWriter(), terminalWidth: () => 80);

        var input = await MultiLineReader.ReadInputAsync(editor.ReadLineAsync, "> ", CancellationToken.None);

        Assert.Equal("only", input);
    }

    [Fact]
    public async Task ReadInputAsync_Cancelled_Throws()
    {
        var lines = new ScriptedLines("x");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => MultiLineReader.ReadInputAsync(lines.ReadLineAsync, "> ", new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task ReadInputAsync_NullReadLine_ThrowsWithParameterName()
    {
        var e = await Assert.ThrowsAsync<ArgumentNullException>(
            () => MultiLineReader.ReadInputAsync(null!, "> ", CancellationToken.None));

        Assert.Equal("readLine", e.ParamName);
    }
}
