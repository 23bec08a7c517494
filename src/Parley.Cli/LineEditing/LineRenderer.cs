using System.Text;

namespace Parley.Cli;

/// <summary>
/// Draws one prompt and its line on an ANSI terminal and remembers how many rows the cursor is below the prompt's
/// first row, so every redraw starts at the prompt (<c>ESC[nA</c>, <c>\r</c>), clears to the end of the screen
/// (<c>ESC[J</c>) and rewrites prompt and text. Lines longer than the terminal wrap and still redraw cleanly; typing
/// at the end of a row only writes the new character. Returns the text to write instead of writing it, to be testable.
/// </summary>
internal sealed class LineRenderer
{
    /// <summary>Moves the cursor home and clears the screen (Ctrl+L).</summary>
    public const string ClearScreen = "\u001b[H\u001b[2J";

    private const string Csi = "\u001b[";

    private readonly string _promptOutput;
    private readonly string _visiblePrompt;
    private string? _text;
    private int _cursor;
    private int _width;
    private LineLayout _layout;

    /// <param name="prompt">The prompt; may contain ANSI colors (they take no columns).</param>
    public LineRenderer(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        _promptOutput = prompt.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        _visiblePrompt = TerminalText.StripEscapes(prompt);
    }

    /// <summary>The cursor's row below the prompt's first row, as last drawn.</summary>
    public int CursorRow { get; private set; }

    /// <summary>The output that shows <paramref name="text"/> with the cursor at <paramref name="cursor"/>.</summary>
    public string Render(string text, int cursor, int width)
    {
        ArgumentNullException.ThrowIfNull(text);
        width = Math.Max(width, 1);

        string output;
        LineLayout layout;
        if (TryAppend(text, cursor, width, out var appended))
        {
            // Typing at the end of the line: write the character; the layout follows without a pass over the line.
            output = TerminalText.Display(appended);
            var end = _layout.EndColumn + TerminalText.GraphemeWidth(appended);
            layout = new LineLayout(_layout.EndRow, end, _layout.EndRow, end, false);
        }
        else
        {
            layout = LineLayout.Compute(_visiblePrompt, text, cursor, width);
            output = Redraw(text, layout);
        }

        _text = text;
        _cursor = cursor;
        _width = width;
        _layout = layout;
        CursorRow = layout.CursorRow;
        return output;
    }

    /// <summary>The output that leaves the line as drawn and moves to the start of the row below it, where the
    /// program's next output goes.</summary>
    public string Finish()
    {
        if (_text is null)
        {
            return "\r\n";
        }

        var output = new StringBuilder();
        var down = _layout.EndRow - CursorRow;
        if (down > 0)
        {
            output.Append(Csi).Append(down).Append('B');
        }

        // At a row edge the redraw already moved to the fresh row below.
        output.Append(_layout.EndsAtRowEdge ? "\r" : "\r\n");
        _text = null;
        CursorRow = 0;
        return output.ToString();
    }

    /// <summary>Tells the renderer the screen was cleared and the cursor is home: the next render draws from there.</summary>
    public void ScreenCleared()
    {
        _text = null;
        CursorRow = 0;
    }

    /// <summary>True when <paramref name="text"/> is the last drawn text plus one character typed at its end that
    /// starts a new grapheme and fits in the current row.</summary>
    private bool TryAppend(string text, int cursor, int width, out string appended)
    {
        appended = string.Empty;
        if (_text is null || width != _width || _cursor != _text.Length || cursor != text.Length
            || text.Length != _text.Length + 1 || !text.StartsWith(_text, StringComparison.Ordinal))
        {
            return false;
        }

        var c = text[^1];
        if (!Graphemes.NeverJoinsPrevious(c))
        {
            return false; // a combining mark, emoji modifier or the second half of a flag changes the last cluster
        }

        var cells = TerminalText.GraphemeWidth(text.AsSpan(text.Length - 1));
        if (_layout.EndColumn + cells >= width)
        {
            return false; // reaching the row's edge: redraw, which handles the terminal's pending wrap
        }

        appended = text[^1..];
        return true;
    }

    private string Redraw(string text, LineLayout layout)
    {
        var output = new StringBuilder(_promptOutput.Length + (text.Length * 2) + 32);
        if (CursorRow > 0)
        {
            output.Append(Csi).Append(CursorRow).Append('A');
        }

        output.Append('\r').Append(Csi).Append('J').Append(_promptOutput);
        for (var i = 0; i < text.Length;)
        {
            var next = Graphemes.Next(text, i);
            output.Append(TerminalText.Display(text.AsSpan(i, next - i)));
            i = next;
        }

        if (layout.EndsAtRowEdge)
        {
            output.Append("\r\n");
        }

        var up = layout.EndRow - layout.CursorRow;
        if (up > 0)
        {
            output.Append(Csi).Append(up).Append('A');
        }

        if (up > 0 || layout.CursorColumn != layout.EndColumn)
        {
            output.Append('\r');
            if (layout.CursorColumn > 0)
            {
                output.Append(Csi).Append(layout.CursorColumn).Append('C');
            }
        }

        return output.ToString();
    }
}
