using System.Globalization;

namespace Parley.Cli;

/// <summary>
/// Grapheme-cluster (user-perceived character) boundaries in a string, so the cursor never lands inside a surrogate
/// pair, between a letter and its combining accent, or inside an emoji sequence.
/// </summary>
internal static class Graphemes
{
    /// <summary>The boundary after the grapheme starting at <paramref name="index"/> (the text's length at the end).</summary>
    public static int Next(string text, int index)
    {
        if (index >= text.Length)
        {
            return text.Length;
        }

        return index + StringInfo.GetNextTextElementLength(text, index);
    }

    /// <summary>The last boundary before <paramref name="index"/> (0 at the start).</summary>
    public static int Previous(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        var previous = 0;
        var position = 0;
        while (position < index)
        {
            previous = position;
            position = Next(text, position);
        }

        return previous;
    }

    /// <summary>True when <paramref name="index"/> is 0, the end, or between two graphemes.</summary>
    public static bool IsBoundary(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        if (index <= 0 || index >= text.Length)
        {
            return true;
        }

        var position = 0;
        while (position < index)
        {
            position = Next(text, position);
        }

        return position == index;
    }

    /// <summary>The boundary at or after <paramref name="index"/>.</summary>
    public static int SnapForward(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        var position = 0;
        while (position < index)
        {
            position = Next(text, position);
        }

        return Math.Min(position, text.Length);
    }

    /// <summary>The boundary at or before <paramref name="index"/>.</summary>
    public static int SnapBackward(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        var previous = 0;
        var position = 0;
        while (position < index)
        {
            previous = position;
            position = Next(text, position);
        }

        return position == index ? Math.Min(index, text.Length) : previous;
    }

    /// <summary>True for characters that always start a new grapheme cluster when typed after any text (ASCII
    /// printable characters, CJK ideographs, kana, fullwidth forms), so typing them at the end never changes the
    /// clusters before. Conservative: false for everything else.</summary>
    public static bool NeverJoinsPrevious(char c) => c switch
    {
        >= ' ' and <= '~' => true,
        >= '\u3041' and <= '\u3096' => true, // hiragana (not the combining voicing marks U+3099, U+309A)
        >= '\u309B' and <= '\u30FF' => true, // katakana
        >= '\u3400' and <= '\u4DBF' => true,
        >= '\u4E00' and <= '\u9FFF' => true,
        >= '\uFF01' and <= '\uFF60' => true,
        _ => false,
    };
}
