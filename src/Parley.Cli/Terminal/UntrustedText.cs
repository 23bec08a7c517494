using System.Text;

namespace Parley.Cli;

/// <summary>
/// Makes text Parley did not write (model answers, server error messages, saved and imported titles) safe to write to
/// a terminal: it keeps newlines and tabs, drops carriage returns, and shows every other control character as its
/// visible Unicode picture (<c>ESC</c> as <c>␛</c>, <c>BEL</c> as <c>␇</c>, DEL as <c>␡</c>, C1 controls as <c>�</c>),
/// so no escape sequence (OSC title or clipboard, screen clearing, hidden text) reaches the terminal. Each character
/// is mapped on its own, so a sequence split across streamed chunks is caught as well.
/// </summary>
internal static class UntrustedText
{
    public static string ForTerminal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = FirstUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var safe = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n' or '\t':
                    safe.Append(c);
                    break;
                case '\r':
                    break;
                case < ' ':
                    safe.Append((char)(0x2400 + c));
                    break;
                case '\u007f':
                    safe.Append('\u2421');
                    break;
                case >= '\u0080' and <= '\u009f':
                    safe.Append('\ufffd');
                    break;
                default:
                    safe.Append(c);
                    break;
            }
        }

        return safe.ToString();
    }

    private static int FirstUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < ' ' && c is not '\n' and not '\t') || c is >= '\u007f' and <= '\u009f')
            {
                return i;
            }
        }

        return -1;
    }
}
