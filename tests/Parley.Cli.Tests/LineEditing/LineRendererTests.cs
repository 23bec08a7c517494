namespace Parley.Cli.Tests;

[Trait("Category", "LineEditing")]
public class LineRendererTests
{
    private const string Prompt = "> ";

    /// <summary>The screen that writing the prompt and text in one go produces, and where the cursor belongs.</summary>
    private static (string Screen, (int Row, int Column) Cursor) Expected(string prompt, string text, int cursor, int width)
    {
        var full = new VirtualTerminal(width);
        full.Write(prompt + Display(text));

        var before = new VirtualTerminal(width);
        before.Write(prompt + Display(text[..cursor]));
        var position = before.EffectiveCursor;
        if (cursor < text.Length)
        {
            // A wide character that does not fit in the row starts the next row: the cursor is shown there.
            var next = Graphemes.Next(text, cursor);
            var cells = char.IsControl(text[cursor]) ? 1 : TerminalText.GraphemeWidth(text.AsSpan(cursor, next - cursor));
            if (position.Column > 0 && position.Column + cells > width)
            {
                position = (position.Row + 1, 0);
            }
        }

        return (full.Screen, position);
    }

    private static string Display(string text)
    {
        var display = string.Empty;
        for (var i = 0; i < text.Length;)
        {
            var next = Graphemes.Next(text, i);
            display += TerminalText.Display(text.AsSpan(i, next - i));
            i = next;
        }

        return display;
    }

    private static void AssertShows(VirtualTerminal terminal, string prompt, string text, int cursor)
    {
        var (screen, position) = Expected(prompt, text, cursor, terminal.Width);
        Assert.Equal(screen, terminal.Screen);
        Assert.Equal(position, terminal.EffectiveCursor);
    }

    [Fact]
    public void Render_FirstTime_WritesPromptAndText()
    {
        var terminal = new VirtualTerminal(80);
        var renderer = new LineRenderer(Prompt);

        terminal.Write(renderer.Render("hi", 2, 80));

        Assert.Equal("> hi", terminal.Screen);
        Assert.Equal((0, 4), terminal.EffectiveCursor);
    }

    [Fact]
    public void Render_TypingAtEnd_WritesOnlyTheNewCharacter()
    {
        var renderer = new LineRenderer(Prompt);
        renderer.Render("h", 1, 80);

        var output = renderer.Render("hi", 2, 80);

        Assert.Equal("i", output);
    }

    [Fact]
    public void Render_TypingWideCharacterAtEnd_WritesOnlyIt()
    {
        var terminal = new VirtualTerminal(80);
        var renderer = new LineRenderer(Prompt);
        terminal.Write(renderer.Render("你", 1, 80));

        var output = renderer.Render("你好", 2, 80);
        terminal.Write(output);

        Assert.Equal("好", output);
        Assert.Equal((0, 6), terminal.EffectiveCursor);
    }

    [Fact]
    public void Render_TypingAtEndOfRow_RedrawsSoTheWrapIsTracked()
    {
        var renderer = new LineRenderer(Prompt);
        renderer.Render("abcdefg", 7, 10);

        var output = renderer.Render("abcdefgh", 8, 10);

        Assert.NotEqual("h", output);
        Assert.Equal(1, renderer.CursorRow);
    }

    [Fact]
    public void Render_CombiningAccentAtEnd_Redraws()
    {
        var renderer = new LineRenderer(Prompt);
        renderer.Render("cafe", 4, 80);

        var output = renderer.Render("cafe\u0301", 5, 80);

        Assert.StartsWith("\r", output);
    }

    [Fact]
    public void Render_ColoredPrompt_CursorIgnoresEscapeSequences()
    {
        var terminal = new VirtualTerminal(80);
        var renderer = new LineRenderer("\u001b[32mparley\u001b[0m> ");

        terminal.Write(StripSgr(renderer.Render("hello", 3, 80)));

        Assert.Equal("parley> hello", terminal.Screen);
        Assert.Equal((0, 11), terminal.EffectiveCursor);
    }

    [Fact]
    public void Render_LineShrinksAcrossRows_ClearsLeftoverRows()
    {
        var terminal = new VirtualTerminal(10);
        var renderer = new LineRenderer(Prompt);
        terminal.Write(renderer.Render("abcdefghijklmnopqrstuvwxyz", 26, 10));

        terminal.Write(renderer.Render("abc", 3, 10));

        Assert.Equal("> abc", terminal.Screen);
        Assert.Equal((0, 5), terminal.EffectiveCursor);
    }

    [Fact]
    public void Render_CursorMovedToStartOfWrappedLine_CursorOnPromptRow()
    {
        var terminal = new VirtualTerminal(10);
        var renderer = new LineRenderer(Prompt);
        var text = "abcdefghijklmnopqrstuvwxyz";
        terminal.Write(renderer.Render(text, text.Length, 10));

        terminal.Write(renderer.Render(text, 0, 10));

        Assert.Equal("> abcdefgh\nijklmnopqr\nstuvwxyz", terminal.Screen);
        Assert.Equal((0, 2), terminal.EffectiveCursor);
        Assert.Equal(0, renderer.CursorRow);
    }

    [Fact]
    public void Finish_CursorInMiddleOfWrappedLine_MovesBelowTheLine()
    {
        var terminal = new VirtualTerminal(10);
        var renderer = new LineRenderer(Prompt);
        var text = "abcdefghijklmnopqrstuvwxyz";
        terminal.Write(renderer.Render(text, 1, 10));

        terminal.Write(renderer.Finish());

        Assert.Equal((3, 0), terminal.EffectiveCursor);
    }

    [Fact]
    public void Finish_LineFillsRowExactly_NoBlankLine()
    {
        var terminal = new VirtualTerminal(10);
        var renderer = new LineRenderer(Prompt);
        terminal.Write(renderer.Render("abcdefgh", 8, 10));

        terminal.Write(renderer.Finish());

        Assert.Equal((1, 0), terminal.EffectiveCursor);
        Assert.Equal("> abcdefgh", terminal.Screen);
    }

    [Fact]
    public void ScreenCleared_NextRender_DrawsFromHome()
    {
        var terminal = new VirtualTerminal(10);
        var renderer = new LineRenderer(Prompt);
        terminal.Write("earlier output\r\n");
        terminal.Write(renderer.Render("abcdefghijkl", 12, 10));

        renderer.ScreenCleared();
        terminal.Write(LineRenderer.ClearScreen + renderer.Render("abcdefghijkl", 12, 10));

        Assert.Equal("> abcdefgh\nijkl", terminal.Screen);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(7, 2)]
    [InlineData(13, 3)]
    [InlineData(80, 4)]
    [InlineData(5, 5)]
    public void Render_RandomEdits_ScreenAlwaysMatchesAFreshDraw(int width, int seed)
    {
        var random = new Random(seed);
        string[] pieces = ["a", "b", "xyz", " ", "你", "好", "😀", "e\u0301", "\t", "안", "ＡＢ", "w"];
        var terminal = new VirtualTerminal(width);
        var renderer = new LineRenderer(Prompt);
        var buffer = new LineBuffer(["an older entry that is rather long, 你好", "short"]);
        terminal.Write(renderer.Render(buffer.Text, buffer.Cursor, width));

        for (var step = 0; step < 400; step++)
        {
            var roll = random.Next(100);
            if (roll < 55)
            {
                buffer.Insert(pieces[random.Next(pieces.Length)]);
            }
            else
            {
                ConsoleKeyInfo[] keys =
                [
                    Keys.Left, Keys.Right, Keys.Home, Keys.End, Keys.Backspace, Keys.Delete, Keys.Ctrl('w'),
                    Keys.Ctrl('k'), Keys.Ctrl('u'), Keys.Ctrl('y'), Keys.Up, Keys.Down, Keys.Alt('b'), Keys.Alt('f'),
                ];
                buffer.Apply(keys[random.Next(keys.Length)]);
            }

            terminal.Write(renderer.Render(buffer.Text, buffer.Cursor, width));

            AssertShows(terminal, Prompt, buffer.Text, buffer.Cursor);
        }
    }

    private static string StripSgr(string output) =>
        System.Text.RegularExpressions.Regex.Replace(output, "\u001b\\[[0-9;]*m", string.Empty);
}
