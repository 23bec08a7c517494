namespace Parley.Cli.Tests;

[Trait("Category", "LineEditing")]
public sealed class LineEditorTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-lineeditor-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static LineEditor Editor(ScriptedKeySource keys, TextWriter output, InputHistory? history = null, int width = 80) =>
        new(keys, output, history, () => width);

    [Fact]
    public async Task ReadLineAsync_TypedTextAndEnter_ReturnsLine()
    {
        var output = new StringWriter();
        var editor = Editor(new ScriptedKeySource("hello world", Keys.Enter), output);

        var line = await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Equal("hello world", line);
        Assert.StartsWith("\r\u001b[J> ", output.ToString());
        Assert.EndsWith("\r\n", output.ToString());
    }

    [Fact]
    public async Task ReadLineAsync_EditingKeys_ReturnsEditedLine()
    {
        var keys = new ScriptedKeySource(
            "helo wrld", Keys.Ctrl('a'), Keys.Right, Keys.Right, Keys.Right, "l", Keys.End, Keys.Left, Keys.Left,
            Keys.Left, "o", Keys.End, "!!", Keys.Backspace, Keys.Enter);
        var editor = Editor(keys, new StringWriter());

        var line = await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Equal("hello world!", line);
    }

    [Fact]
    public async Task ReadLineAsync_KillKeys_ReturnsWhatIsLeft()
    {
        var keys = new ScriptedKeySource(
            "drop this keep", Keys.Ctrl('w'), Keys.Ctrl('u'), "kept ", Keys.Ctrl('y'), Keys.Home, Keys.Ctrl('k'),
            "new", Keys.Enter);
        var editor = Editor(keys, new StringWriter());

        var line = await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Equal("new", line);
    }

    [Fact]
    public async Task ReadLineAsync_EmptyLineEnter_ReturnsEmptyString()
    {
        var editor = Editor(new ScriptedKeySource(Keys.Enter), new StringWriter());

        Assert.Equal(string.Empty, await editor.ReadLineAsync("> ", CancellationToken.None));
    }

    [Fact]
    public async Task ReadLineAsync_CtrlDOnEmptyLine_ReturnsNull()
    {
        var output = new StringWriter();
        var editor = Editor(new ScriptedKeySource(Keys.Ctrl('d')), output);

        var line = await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Null(line);
        Assert.EndsWith("\r\n", output.ToString());
    }

    [Fact]
    public async Task ReadLineAsync_CtrlDAfterText_DeletesAndKeepsReading()
    {
        var keys = new ScriptedKeySource("ab", Keys.Home, Keys.Ctrl('d'), Keys.Enter);
        var editor = Editor(keys, new StringWriter());

        Assert.Equal("b", await editor.ReadLineAsync("> ", CancellationToken.None));
    }

    [Fact]
    public async Task ReadLineAsync_CancelledWhileWaiting_ThrowsOperationCanceledAndEndsTheRow()
    {
        var output = new StringWriter();
        var keys = new ScriptedKeySource(waitWhenDone: true, "half typed");
        var editor = Editor(keys, output);
        using var cts = new CancellationTokenSource();
        keys.BeforeRead = read =>
        {
            if (read == 10)
            {
                cts.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => editor.ReadLineAsync("> ", cts.Token));

        Assert.EndsWith("\r\n", output.ToString());
    }

    [Fact]
    public async Task ReadLineAsync_CancelledByTimer_Throws()
    {
        var editor = Editor(new ScriptedKeySource(waitWhenDone: true, "x"), new StringWriter());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => editor.ReadLineAsync("> ", cts.Token));
    }

    [Fact]
    public async Task ReadLineAsync_AlreadyCancelled_ThrowsWithoutDrawing()
    {
        var output = new StringWriter();
        var keys = new ScriptedKeySource("x", Keys.Enter);
        var editor = Editor(keys, output);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => editor.ReadLineAsync("> ", new CancellationToken(canceled: true)));

        Assert.Equal(string.Empty, output.ToString());
        Assert.Equal(0, keys.Read);
    }

    [Fact]
    public async Task ReadLineAsync_Unicode_ReturnsTextAndDrawsIt()
    {
        var output = new StringWriter();
        var keys = new ScriptedKeySource("你好 ", "\uD83D\uDE00", " café", Keys.Enter);
        var editor = Editor(keys, output);

        var line = await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Equal("你好 😀 café", line);
        var terminal = new VirtualTerminal(80);
        terminal.Write(output.ToString());
        Assert.Equal("> 你好 😀 café", terminal.Screen);
    }

    [Fact]
    public async Task ReadLineAsync_LongLineInNarrowTerminal_ScreenShowsWrappedLineOnce()
    {
        var output = new StringWriter();
        var keys = new ScriptedKeySource(
            "the quick brown fox jumps", Keys.Home, Keys.Ctrl('d'), "T", Keys.End, Keys.Ctrl('w'), "leaps", Keys.Enter);
        var editor = Editor(keys, output, width: 10);

        var line = await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Equal("The quick brown fox leaps", line);
        var terminal = new VirtualTerminal(10);
        terminal.Write(output.ToString());
        Assert.Equal("> The quic\nk brown fo\nx leaps", terminal.Screen);
        Assert.Equal((3, 0), terminal.EffectiveCursor);
    }

    [Fact]
    public async Task ReadLineAsync_ColoredPrompt_PromptWrittenAsGiven()
    {
        var output = new StringWriter();
        var editor = Editor(new ScriptedKeySource("hi", Keys.Enter), output);

        await editor.ReadLineAsync("\u001b[1;32mparley\u001b[0m> ", CancellationToken.None);

        Assert.Contains("\u001b[1;32mparley\u001b[0m> ", output.ToString());
    }

    [Fact]
    public async Task ReadLineAsync_CtrlL_ClearsScreenAndRedrawsLine()
    {
        var output = new StringWriter();
        var editor = Editor(new ScriptedKeySource("abc", Keys.Ctrl('l'), "d", Keys.Enter), output);

        var line = await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Equal("abcd", line);
        Assert.Contains(LineRenderer.ClearScreen + "\r\u001b[J> abc", output.ToString());
        var terminal = new VirtualTerminal(80);
        terminal.Write("earlier\r\n" + output);
        Assert.Equal("> abcd", terminal.Screen);
    }

    [Fact]
    public async Task ReadLineAsync_UpArrow_RecallsHistoryAndDownRestoresDraft()
    {
        var history = new InputHistory();
        await history.AddAsync("first question", CancellationToken.None);
        await history.AddAsync("second question", CancellationToken.None);
        var keys = new ScriptedKeySource("draft", Keys.Up, Keys.Up, Keys.Down, Keys.Down, "!", Keys.Enter);
        var editor = Editor(keys, new StringWriter(), history);

        Assert.Equal("draft!", await editor.ReadLineAsync("> ", CancellationToken.None));
    }

    [Fact]
    public async Task ReadLineAsync_UpArrow_SubmitsRecalledEntry()
    {
        var history = new InputHistory();
        await history.AddAsync("first question", CancellationToken.None);
        await history.AddAsync("second question", CancellationToken.None);
        var editor = Editor(new ScriptedKeySource(Keys.Up, Keys.Up, Keys.Enter), new StringWriter(), history);

        Assert.Equal("first question", await editor.ReadLineAsync("> ", CancellationToken.None));
    }

    [Fact]
    public async Task ReadLineAsync_DoesNotAddToHistoryItself()
    {
        var history = new InputHistory();
        var editor = Editor(new ScriptedKeySource("hello", Keys.Enter), new StringWriter(), history);

        await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Empty(history.Entries);
    }

    [Fact]
    public async Task ReadLineAsync_HistoryFromPreviousSession_UpRecallsIt()
    {
        var path = Path.Combine(_directory, "history.txt");
        var first = await InputHistory.LoadAsync(path, CancellationToken.None);
        var firstEditor = Editor(new ScriptedKeySource("what is AI?", Keys.Enter), new StringWriter(), first);
        var entered = await firstEditor.ReadLineAsync("> ", CancellationToken.None);
        await first.AddAsync(entered!, CancellationToken.None);

        var second = await InputHistory.LoadAsync(path, CancellationToken.None);
        var secondEditor = Editor(new ScriptedKeySource(Keys.Up, " Explain.", Keys.Enter), new StringWriter(), second);
        var recalled = await secondEditor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Equal("what is AI? Explain.", recalled);
    }

    [Fact]
    public async Task ReadLineAsync_RecalledMultiLineEntry_ShownOnOneRowReturnedWithNewlines()
    {
        var history = new InputHistory();
        await history.AddAsync("line 1\nline 2", CancellationToken.None);
        var output = new StringWriter();
        var editor = Editor(new ScriptedKeySource(Keys.Up, Keys.Enter), output, history);

        var line = await editor.ReadLineAsync("> ", CancellationToken.None);

        Assert.Equal("line 1\nline 2", line);
        var terminal = new VirtualTerminal(80);
        terminal.Write(output.ToString());
        Assert.Equal("> line 1↵line 2", terminal.Screen);
    }

    [Fact]
    public async Task ReadLineAsync_TwoReadsInARow_SecondStartsOnNewRow()
    {
        var output = new StringWriter();
        var editor = Editor(new ScriptedKeySource("one", Keys.Enter, "two", Keys.Enter), output);

        await editor.ReadLineAsync("> ", CancellationToken.None);
        await editor.ReadLineAsync("> ", CancellationToken.None);

        var terminal = new VirtualTerminal(80);
        terminal.Write(output.ToString());
        Assert.Equal("> one\n> two", terminal.Screen);
    }

    [Fact]
    public async Task ReadLineAsync_NonPositiveWidth_Uses80Columns()
    {
        var output = new StringWriter();
        var editor = new LineEditor(new ScriptedKeySource(new string('x', 79), Keys.Enter), output, terminalWidth: () => 0);

        await editor.ReadLineAsync("> ", CancellationToken.None);

        var terminal = new VirtualTerminal(80);
        terminal.Write(output.ToString());
        Assert.Equal(2, terminal.Lines.Count);
    }

    [Fact]
    public void Constructor_NullKeys_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new LineEditor(null!, new StringWriter()));

        Assert.Equal("keys", e.ParamName);
    }

    [Fact]
    public void Constructor_NullTerminal_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new LineEditor(new ScriptedKeySource(), null!));

        Assert.Equal("terminal", e.ParamName);
    }

    [Fact]
    public async Task ReadLineAsync_NullPrompt_ThrowsWithParameterName()
    {
        var editor = Editor(new ScriptedKeySource(), new StringWriter());

        var e = await Assert.ThrowsAsync<ArgumentNullException>(() => editor.ReadLineAsync(null!, CancellationToken.None));

        Assert.Equal("prompt", e.ParamName);
    }
}
