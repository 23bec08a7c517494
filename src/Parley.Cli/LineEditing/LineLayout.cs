namespace Parley.Cli;

/// <summary>
/// Where a prompt and its line land on a terminal <c>width</c> columns wide, counted from the prompt's first column:
/// rows wrap as the terminal wraps them (a wide character that does not fit in the last column moves to the next
/// row), so the editor can move back to the prompt's row and to the cursor with relative cursor movements.
/// </summary>
/// <param name="CursorRow">The row of the cursor (0 = the prompt's first row).</param>
/// <param name="CursorColumn">The column of the cursor.</param>
/// <param name="EndRow">The row just after the last character.</param>
/// <param name="EndColumn">The column just after the last character.</param>
/// <param name="EndsAtRowEdge">The text fills its last row exactly: the terminal's cursor waits in the last column
/// (pending wrap), so the editor writes <c>\r\n</c> to reach (<see cref="EndRow"/>, 0) for real.</param>
internal readonly record struct LineLayout(int CursorRow, int CursorColumn, int EndRow, int EndColumn, bool EndsAtRowEdge)
{
    /// <summary>Lays out <paramref name="visiblePrompt"/> (escape sequences already removed; may contain newlines)
    /// followed by <paramref name="text"/> with the cursor at the UTF-16 index <paramref name="cursor"/>.</summary>
    public static LineLayout Compute(string visiblePrompt, string text, int cursor, int width)
    {
        ArgumentNullException.ThrowIfNull(visiblePrompt);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);

        var row = 0;
        var column = 0;
        for (var i = 0; i < visiblePrompt.Length;)
        {
            var next = Graphemes.Next(visiblePrompt, i);
            var grapheme = visiblePrompt.AsSpan(i, next - i);
            if (grapheme is "\n" or "\r\n")
            {
                row++;
                column = 0;
            }
            else
            {
                Place(grapheme, ref row, ref column, width);
            }

            i = next;
        }

        int? cursorRow = null;
        var cursorColumn = 0;
        for (var i = 0; i < text.Length;)
        {
            var next = Graphemes.Next(text, i);
            var grapheme = text.AsSpan(i, next - i);
            if (cursorRow is null && i >= cursor)
            {
                // The cursor sits where this grapheme starts, after any wrap it causes.
                var firstWidth = char.IsControl(grapheme[0]) ? 1 : TerminalText.GraphemeWidth(grapheme);
                (cursorRow, cursorColumn) = WrapBefore(firstWidth, row, column, width);
            }

            Place(grapheme, ref row, ref column, width);
            i = next;
        }

        var endsAtEdge = column >= width;
        var endRow = endsAtEdge ? row + 1 : row;
        var endColumn = endsAtEdge ? 0 : column;
        return new LineLayout(cursorRow ?? endRow, cursorRow is null ? endColumn : cursorColumn, endRow, endColumn, endsAtEdge);
    }

    private static void Place(ReadOnlySpan<char> grapheme, ref int row, ref int column, int width)
    {
        if (char.IsControl(grapheme[0]))
        {
            // Shown as several narrow characters (^A, four spaces for a tab, ↵) that wrap one by one.
            var cells = TerminalText.GraphemeWidth(grapheme);
            for (var c = 0; c < cells; c++)
            {
                Advance(1, ref row, ref column, width);
            }

            return;
        }

        Advance(TerminalText.GraphemeWidth(grapheme), ref row, ref column, width);
    }

    private static void Advance(int cells, ref int row, ref int column, int width)
    {
        if (cells == 0)
        {
            return;
        }

        (row, column) = WrapBefore(cells, row, column, width);
        column += cells;
    }

    private static (int Row, int Column) WrapBefore(int cells, int row, int column, int width)
    {
        if (column >= width || (column > 0 && column + cells > width))
        {
            return (row + 1, 0);
        }

        return (row, column);
    }
}
