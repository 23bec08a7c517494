using System.Text;

namespace Parley.Cli.Tests;

/// <summary>
/// A small model of an xterm-like screen, enough to check what the line editor draws: printable text with wrapping
/// (pending wrap in the last column; a wide character that does not fit moves to the next row), <c>\r</c>, <c>\n</c>,
/// and CSI A/B/C/D (cursor moves), J (erase below; 2J all), K (erase line right) and H (home). No scrolling region:
/// rows grow without bound.
/// </summary>
internal sealed class VirtualTerminal
{
    private readonly List<string?[]> _rows = [];
    private bool _pendingWrap;

    public VirtualTerminal(int width) => Width = width;

    public int Width { get; }

    public int Row { get; private set; }

    public int Column { get; private set; }

    /// <summary>The rows as text (trailing blanks and trailing empty rows removed).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var lines = _rows.Select(RowText).ToList();
            while (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            return lines;
        }
    }

    /// <summary>Where the next character goes: after a pending wrap, the start of the next row.</summary>
    public (int Row, int Column) EffectiveCursor => _pendingWrap ? (Row + 1, 0) : (Row, Column);

    public string Screen => string.Join("\n", Lines);

    public void Write(string output)
    {
        var i = 0;
        while (i < output.Length)
        {
            var c = output[i];
            if (c == '\u001b')
            {
                i = Escape(output, i);
                continue;
            }

            if (c == '\r')
            {
                Column = 0;
                _pendingWrap = false;
                i++;
                continue;
            }

            if (c == '\n')
            {
                Row++;
                _pendingWrap = false;
                i++;
                continue;
            }

            if (char.IsControl(c))
            {
                throw new InvalidOperationException($"unexpected control character U+{(int)c:X4} written to the terminal");
            }

            var next = Graphemes.Next(output, i);
            Print(output[i..next]);
            i = next;
        }
    }

    private void Print(string grapheme)
    {
        var width = TerminalText.GraphemeWidth(grapheme);
        if (width == 0)
        {
            var cells = Cells(Row);
            var target = _pendingWrap ? Width - 1 : Math.Max(0, Column - 1);
            cells[target] = (cells[target] ?? string.Empty) + grapheme;
            return;
        }

        if (_pendingWrap)
        {
            Row++;
            Column = 0;
            _pendingWrap = false;
        }

        if (Column + width > Width)
        {
            Row++;
            Column = 0;
        }

        var row = Cells(Row);
        row[Column] = grapheme;
        for (var k = 1; k < width && Column + k < Width; k++)
        {
            row[Column + k] = string.Empty; // the right half of a wide character
        }

        Column += width;
        if (Column >= Width)
        {
            Column = Width - 1;
            _pendingWrap = true;
        }
    }

    private int Escape(string output, int start)
    {
        if (start + 1 >= output.Length || output[start + 1] != '[')
        {
            throw new InvalidOperationException("unsupported escape sequence");
        }

        var i = start + 2;
        var parameters = new StringBuilder();
        while (i < output.Length && (char.IsAsciiDigit(output[i]) || output[i] == ';'))
        {
            parameters.Append(output[i++]);
        }

        var final = output[i];
        var n = parameters.Length == 0 ? 1 : int.Parse(parameters.ToString().Split(';')[0]);
        var p = parameters.Length == 0 ? 0 : n;
        _pendingWrap = false;
        switch (final)
        {
            case 'A':
                Row = Math.Max(0, Row - n);
                break;
            case 'B':
                Row += n;
                break;
            case 'C':
                Column = Math.Min(Width - 1, Column + n);
                break;
            case 'D':
                Column = Math.Max(0, Column - n);
                break;
            case 'H':
                Row = 0;
                Column = 0;
                break;
            case 'J' when p == 2:
                _rows.Clear();
                break;
            case 'J':
                Array.Fill(Cells(Row), null, Column, Width - Column);
                if (_rows.Count > Row + 1)
                {
                    _rows.RemoveRange(Row + 1, _rows.Count - Row - 1);
                }

                break;
            case 'K':
                Array.Fill(Cells(Row), null, Column, Width - Column);
                break;
            default:
                throw new InvalidOperationException($"unsupported CSI {parameters}{final}");
        }

        return i + 1;
    }

    private string?[] Cells(int row)
    {
        while (_rows.Count <= row)
        {
            _rows.Add(new string?[Width]);
        }

        return _rows[row];
    }

    private static string RowText(string?[] cells)
    {
        var text = new StringBuilder();
        foreach (var cell in cells)
        {
            text.Append(cell ?? " ");
        }

        return text.ToString().TrimEnd();
    }
}
