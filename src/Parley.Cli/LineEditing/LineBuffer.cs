namespace Parley.Cli;

/// <summary>
/// The editing state of one input line: the text, the cursor (a UTF-16 index, always on a grapheme boundary), the
/// kill ring of one entry and the position in the history. Pure: no terminal, so every key binding is unit-tested.
/// <para>
/// History works as in readline: Up saves the line being edited and shows the previous entry; Down comes back, and the
/// in-progress line is still there. Changes to a recalled entry are kept while this line is edited, and the stored
/// history itself never changes.
/// </para>
/// </summary>
internal sealed class LineBuffer
{
    private readonly IReadOnlyList<string> _history;
    private readonly string?[] _drafts;
    private int _historyIndex;
    private char? _pendingHighSurrogate;
    private string _killed = string.Empty;

    /// <param name="history">Earlier entries, oldest first. Not changed.</param>
    public LineBuffer(IReadOnlyList<string>? history = null)
    {
        _history = history ?? [];
        _drafts = new string?[_history.Count + 1];
        _historyIndex = _history.Count;
    }

    /// <summary>The line as edited so far.</summary>
    public string Text { get; private set; } = string.Empty;

    /// <summary>The cursor as an index into <see cref="Text"/> (0 = before the first character).</summary>
    public int Cursor { get; private set; }

    /// <summary>The history entry shown (0 = oldest); equals the history's count for the new line.</summary>
    public int HistoryIndex => _historyIndex;

    /// <summary>The text the last kill (Ctrl+U, Ctrl+K, Ctrl+W) removed; Ctrl+Y inserts it again.</summary>
    public string Killed => _killed;

    /// <summary>Applies one key press.</summary>
    public KeyOutcome Apply(ConsoleKeyInfo key)
    {
        var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        var alt = (key.Modifiers & ConsoleModifiers.Alt) != 0;

        switch (key.Key)
        {
            case ConsoleKey.Enter:
                return Submit();
            case ConsoleKey.Backspace:
                // Ctrl+H arrives as Ctrl+Backspace on Unix; Alt+Backspace deletes a word as in readline.
                return Outcome(alt ? DeleteWordBack() : Backspace());
            case ConsoleKey.Delete:
                return Outcome(Delete());
            case ConsoleKey.LeftArrow:
                return Outcome(control || alt ? MoveWordLeft() : MoveLeft());
            case ConsoleKey.RightArrow:
                return Outcome(control || alt ? MoveWordRight() : MoveRight());
            case ConsoleKey.Home:
                return Outcome(MoveHome());
            case ConsoleKey.End:
                return Outcome(MoveEnd());
            case ConsoleKey.UpArrow:
                return Outcome(HistoryPrevious());
            case ConsoleKey.DownArrow:
                return Outcome(HistoryNext());
            case ConsoleKey.Tab when !control && !alt:
                return Outcome(Insert('\t'));
        }

        if (alt && !control)
        {
            return key.Key switch
            {
                ConsoleKey.B => Outcome(MoveWordLeft()),
                ConsoleKey.F => Outcome(MoveWordRight()),
                ConsoleKey.D => Outcome(DeleteWordForward()),
                _ => KeyOutcome.Ignored, // never insert the letter of an unbound Alt chord
            };
        }

        if (control && !alt && key.Key is >= ConsoleKey.A and <= ConsoleKey.Z)
        {
            return ApplyControl((char)('A' + (key.Key - ConsoleKey.A)));
        }

        var c = key.KeyChar;
        if (c is >= '\u0001' and <= '\u001a')
        {
            // Some terminals and platforms report Ctrl+letter only as its control character.
            return c switch
            {
                '\r' or '\n' => Submit(),
                '\b' => Outcome(Backspace()),
                '\t' => Outcome(Insert('\t')),
                _ => ApplyControl((char)('A' + c - 1)),
            };
        }

        if (c == '\u007f')
        {
            return Outcome(Backspace());
        }

        if (c == '\0' || char.IsControl(c))
        {
            return KeyOutcome.Ignored; // function keys, Escape, unmapped chords
        }

        return Outcome(Insert(c));
    }

    /// <summary>Types one character at the cursor. A high surrogate waits for its low surrogate (non-BMP characters
    /// such as emoji arrive as two key presses); a lone low surrogate is dropped.</summary>
    /// <returns>True when the text changed.</returns>
    public bool Insert(char c)
    {
        if (char.IsHighSurrogate(c))
        {
            _pendingHighSurrogate = c;
            return false;
        }

        if (char.IsLowSurrogate(c))
        {
            if (_pendingHighSurrogate is not { } high)
            {
                return false;
            }

            _pendingHighSurrogate = null;
            return Insert(string.Concat(high, c));
        }

        _pendingHighSurrogate = null;
        return Insert(c.ToString());
    }

    /// <summary>Inserts text at the cursor and moves the cursor after it.</summary>
    /// <returns>True when the text changed.</returns>
    public bool Insert(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return false;
        }

        var atEnd = Cursor == Text.Length;
        Text = Text.Insert(Cursor, text);
        Cursor += text.Length;
        if (!atEnd)
        {
            // Typed before a combining mark, the cursor would land inside a cluster. (The end is always a boundary,
            // and skipping the scan there keeps a long paste linear.)
            Cursor = Graphemes.SnapForward(Text, Cursor);
        }

        return true;
    }

    /// <summary>Replaces the whole text and puts the cursor at its end.</summary>
    public void SetText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        Cursor = text.Length;
        _pendingHighSurrogate = null;
    }

    public bool MoveLeft() => MoveTo(Graphemes.Previous(Text, Cursor));

    public bool MoveRight() => MoveTo(Graphemes.Next(Text, Cursor));

    public bool MoveHome() => MoveTo(0);

    public bool MoveEnd() => MoveTo(Text.Length);

    /// <summary>Moves to the start of the word before the cursor (words are letters and digits).</summary>
    public bool MoveWordLeft() => MoveTo(WordStartBefore(Cursor, IsWordCharacter));

    /// <summary>Moves past the end of the word after the cursor.</summary>
    public bool MoveWordRight() => MoveTo(WordEndAfter(Cursor, IsWordCharacter));

    /// <summary>Deletes the grapheme before the cursor.</summary>
    public bool Backspace()
    {
        var start = Graphemes.Previous(Text, Cursor);
        return Remove(start, Cursor, kill: false);
    }

    /// <summary>Deletes the grapheme under the cursor.</summary>
    public bool Delete() => Remove(Cursor, Graphemes.Next(Text, Cursor), kill: false);

    /// <summary>Ctrl+U: deletes from the start of the line to the cursor.</summary>
    public bool KillToStart() => Remove(0, Cursor, kill: true);

    /// <summary>Ctrl+K: deletes from the cursor to the end of the line.</summary>
    public bool KillToEnd() => Remove(Cursor, Text.Length, kill: true);

    /// <summary>Ctrl+W: deletes the whitespace-delimited word before the cursor (and the spaces after it).</summary>
    public bool DeleteWordBack() => Remove(WordStartBefore(Cursor, static c => !char.IsWhiteSpace(c)), Cursor, kill: true);

    /// <summary>Alt+D: deletes to the end of the word after the cursor.</summary>
    public bool DeleteWordForward() => Remove(Cursor, WordEndAfter(Cursor, IsWordCharacter), kill: true);

    /// <summary>Ctrl+Y: inserts the last killed text at the cursor.</summary>
    public bool Yank() => Insert(_killed);

    /// <summary>Up: shows the previous history entry, keeping what was typed.</summary>
    public bool HistoryPrevious() => ShowHistory(_historyIndex - 1);

    /// <summary>Down: shows the next history entry, or the line being typed after the newest one.</summary>
    public bool HistoryNext() => ShowHistory(_historyIndex + 1);

    private KeyOutcome ApplyControl(char letter) => letter switch
    {
        'A' => Outcome(MoveHome()),
        'B' => Outcome(MoveLeft()),
        'D' => Text.Length == 0 ? KeyOutcome.EndOfInput : Outcome(Delete()),
        'E' => Outcome(MoveEnd()),
        'F' => Outcome(MoveRight()),
        'H' => Outcome(Backspace()),
        'I' => Outcome(Insert('\t')),
        'J' or 'M' => Submit(),
        'K' => Outcome(KillToEnd()),
        'L' => KeyOutcome.ClearScreen,
        'N' => Outcome(HistoryNext()),
        'P' => Outcome(HistoryPrevious()),
        'U' => Outcome(KillToStart()),
        'W' => Outcome(DeleteWordBack()),
        'Y' => Outcome(Yank()),
        _ => KeyOutcome.Ignored, // Ctrl+C never arrives (SIGINT); the rest are unbound
    };

    private KeyOutcome Submit()
    {
        _pendingHighSurrogate = null;
        return KeyOutcome.Submit;
    }

    private static KeyOutcome Outcome(bool changed) => changed ? KeyOutcome.Changed : KeyOutcome.Ignored;

    private bool MoveTo(int cursor)
    {
        _pendingHighSurrogate = null;
        if (cursor == Cursor)
        {
            return false;
        }

        Cursor = cursor;
        return true;
    }

    private bool Remove(int start, int end, bool kill)
    {
        _pendingHighSurrogate = null;
        if (end <= start)
        {
            return false;
        }

        if (kill)
        {
            _killed = Text[start..end];
        }

        Text = Text.Remove(start, end - start);
        Cursor = start;
        return true;
    }

    private bool ShowHistory(int index)
    {
        _pendingHighSurrogate = null;
        if (index < 0 || index > _history.Count || index == _historyIndex)
        {
            return false;
        }

        _drafts[_historyIndex] = Text;
        _historyIndex = index;
        Text = _drafts[index] ?? (index == _history.Count ? string.Empty : _history[index]);
        Cursor = Text.Length;
        return true;
    }

    private int WordStartBefore(int index, Func<char, bool> isWord)
    {
        var position = index;
        while (position > 0 && !isWord(Text[position - 1]))
        {
            position--;
        }

        while (position > 0 && isWord(Text[position - 1]))
        {
            position--;
        }

        return Graphemes.SnapBackward(Text, position);
    }

    private int WordEndAfter(int index, Func<char, bool> isWord)
    {
        var position = index;
        while (position < Text.Length && !isWord(Text[position]))
        {
            position++;
        }

        while (position < Text.Length && isWord(Text[position]))
        {
            position++;
        }

        return Graphemes.SnapForward(Text, position);
    }

    private static bool IsWordCharacter(char c) =>
        char.IsLetterOrDigit(c) || char.IsSurrogate(c) || c == '_'
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;
}
