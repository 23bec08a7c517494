using System.Globalization;
using System.Text;

namespace Parley.Cli;

/// <summary>
/// How text occupies terminal columns: East Asian wide characters (CJK, Hangul, fullwidth forms, most emoji) take two
/// columns, combining marks and format characters none; ANSI escape sequences take none. Control characters are shown
/// in caret notation (<c>^A</c>), a tab as four spaces and a newline (from a recalled multi-line entry) as <c>↵</c>.
/// This is the common-range approximation of <c>wcwidth</c>, not the full Unicode tables.
/// </summary>
internal static class TerminalText
{
    /// <summary>What a newline in the buffer is drawn as (the text keeps the real newline).</summary>
    public const string NewlineSymbol = "↵";

    /// <summary>What a tab in the buffer is drawn as (the text keeps the real tab).</summary>
    public const string TabDisplay = "    ";

    private const char Escape = '\u001b';

    /// <summary>The columns <paramref name="text"/> takes on one row, ignoring ANSI escape sequences.</summary>
    public static int VisibleWidth(string text)
    {
        var visible = StripEscapes(text);
        var width = 0;
        for (var i = 0; i < visible.Length;)
        {
            var next = Graphemes.Next(visible, i);
            width += GraphemeWidth(visible.AsSpan(i, next - i));
            i = next;
        }

        return width;
    }

    /// <summary>Removes ANSI escape sequences: CSI (<c>ESC [ … final</c>), OSC (<c>ESC ] … BEL</c> or <c>ESC \</c>) and two-character escapes.</summary>
    public static string StripEscapes(string text)
    {
        if (!text.Contains(Escape, StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != Escape)
            {
                result.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= text.Length)
            {
                break;
            }

            var kind = text[i + 1];
            i += 2;
            if (kind == '[')
            {
                // Parameters and intermediates (0x20–0x3F), then one final byte (0x40–0x7E).
                while (i < text.Length && text[i] is >= ' ' and <= '?')
                {
                    i++;
                }

                if (i < text.Length)
                {
                    i++;
                }
            }
            else if (kind == ']')
            {
                // Operating system command: up to BEL or ST (ESC \).
                while (i < text.Length)
                {
                    if (text[i] == '\a')
                    {
                        i++;
                        break;
                    }

                    if (text[i] == Escape && i + 1 < text.Length && text[i + 1] == '\\')
                    {
                        i += 2;
                        break;
                    }

                    i++;
                }
            }
        }

        return result.ToString();
    }

    /// <summary>The columns one grapheme cluster takes: the widest of its code points (so a letter plus accent is 1, a
    /// decomposed Hangul syllable or an emoji ZWJ sequence is 2), or the length of its caret notation for controls.</summary>
    public static int GraphemeWidth(ReadOnlySpan<char> grapheme)
    {
        if (grapheme.IsEmpty)
        {
            return 0;
        }

        if (char.IsControl(grapheme[0]))
        {
            return ControlDisplay(grapheme).Length;
        }

        var width = 0;
        foreach (var rune in grapheme.EnumerateRunes())
        {
            width = Math.Max(width, RuneWidth(rune));
        }

        return width;
    }

    /// <summary>What to write to the terminal for one grapheme cluster: itself, or a visible stand-in for controls.</summary>
    public static string Display(ReadOnlySpan<char> grapheme)
    {
        if (!grapheme.IsEmpty && char.IsControl(grapheme[0]))
        {
            return ControlDisplay(grapheme);
        }

        return grapheme.ToString();
    }

    /// <summary>The columns one code point takes: 0, 1 or 2.</summary>
    public static int RuneWidth(Rune rune)
    {
        var value = rune.Value;
        if (value < 0x20 || value is >= 0x7F and < 0xA0)
        {
            return 0;
        }

        if (value < 0x300)
        {
            return 1;
        }

        if (value is >= 0x1160 and <= 0x11FF or 0x200B)
        {
            return 0; // Hangul medial vowels and final consonants join the leading consonant; zero width space.
        }

        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.Format:
                return 0;
        }

        return IsWide(value) ? 2 : 1;
    }

    /// <summary>East Asian Wide and Fullwidth code points, for the common ranges (after Markus Kuhn's wcwidth).</summary>
    public static bool IsWide(int value) => value switch
    {
        >= 0x1100 and <= 0x115F => true,   // Hangul Jamo leading consonants
        0x2329 or 0x232A => true,          // angle brackets
        >= 0x231A and <= 0x231B => true,   // watch, hourglass
        >= 0x23E9 and <= 0x23EC or 0x23F0 or 0x23F3 => true,
        >= 0x25FD and <= 0x25FE => true,
        >= 0x2614 and <= 0x2615 => true,
        >= 0x2648 and <= 0x2653 => true,
        0x267F or 0x2693 or 0x26A1 or 0x26AA or 0x26AB or 0x26BD or 0x26BE or 0x26C4 or 0x26C5 or 0x26CE or 0x26D4
            or 0x26EA or 0x26F2 or 0x26F3 or 0x26F5 or 0x26FA or 0x26FD or 0x2705 or 0x270A or 0x270B or 0x2728
            or 0x274C or 0x274E or 0x2753 or 0x2754 or 0x2755 or 0x2757 or 0x2795 or 0x2796 or 0x2797 or 0x27B0
            or 0x27BF or 0x2B1B or 0x2B1C or 0x2B50 or 0x2B55 => true, // emoji presented wide by default
        >= 0x2E80 and <= 0x303E => true,   // CJK radicals, Kangxi, CJK symbols and punctuation (incl. ideographic space)
        >= 0x3041 and <= 0x33FF => true,   // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK compatibility
        >= 0x3400 and <= 0x4DBF => true,   // CJK Extension A
        >= 0x4E00 and <= 0x9FFF => true,   // CJK Unified Ideographs
        >= 0xA000 and <= 0xA4CF => true,   // Yi
        >= 0xA960 and <= 0xA97F => true,   // Hangul Jamo Extended-A
        >= 0xAC00 and <= 0xD7A3 => true,   // Hangul syllables
        >= 0xF900 and <= 0xFAFF => true,   // CJK compatibility ideographs
        >= 0xFE10 and <= 0xFE19 => true,   // vertical forms
        >= 0xFE30 and <= 0xFE6F => true,   // CJK compatibility forms, small form variants
        >= 0xFF00 and <= 0xFF60 => true,   // fullwidth forms
        >= 0xFFE0 and <= 0xFFE6 => true,   // fullwidth signs
        >= 0x16FE0 and <= 0x18AFF => true, // Tangut and friends
        >= 0x1B000 and <= 0x1B2FF => true, // Kana supplement and extensions
        0x1F004 or 0x1F0CF or 0x1F18E => true,
        >= 0x1F191 and <= 0x1F19A => true,
        >= 0x1F1E6 and <= 0x1F1FF => true, // regional indicators (a pair is a flag)
        >= 0x1F200 and <= 0x1F2FF => true, // enclosed ideographic supplement
        >= 0x1F300 and <= 0x1F64F => true, // pictographs, emoticons
        >= 0x1F680 and <= 0x1F6FF => true, // transport and map symbols
        >= 0x1F7E0 and <= 0x1F7EB => true,
        >= 0x1F900 and <= 0x1F9FF => true, // supplemental symbols and pictographs
        >= 0x1FA70 and <= 0x1FAFF => true, // symbols and pictographs extended-A
        >= 0x20000 and <= 0x2FFFD => true, // CJK Extensions B–F
        >= 0x30000 and <= 0x3FFFD => true, // CJK Extension G and beyond
        _ => false,
    };

    private static string ControlDisplay(ReadOnlySpan<char> grapheme)
    {
        var display = new StringBuilder();
        foreach (var c in grapheme)
        {
            switch (c)
            {
                case '\n':
                    display.Append(NewlineSymbol);
                    break;
                case '\t':
                    display.Append(TabDisplay);
                    break;
                case < ' ':
                    display.Append('^').Append((char)(c + '@'));
                    break;
                case '\u007f':
                    display.Append("^?");
                    break;
                default:
                    display.Append(char.IsControl(c) ? "?" : c.ToString());
                    break;
            }
        }

        return display.ToString();
    }
}
