namespace Parley.Cli.Tests;

/// <summary>Key presses as .NET reports them on Unix (Ctrl+letter: no character, the letter's key, Control).</summary>
internal static class Keys
{
    public static readonly ConsoleKeyInfo Enter = new('\r', ConsoleKey.Enter, false, false, false);
    public static readonly ConsoleKeyInfo Backspace = new('\b', ConsoleKey.Backspace, false, false, false);
    public static readonly ConsoleKeyInfo Delete = new('\0', ConsoleKey.Delete, false, false, false);
    public static readonly ConsoleKeyInfo Left = new('\0', ConsoleKey.LeftArrow, false, false, false);
    public static readonly ConsoleKeyInfo Right = new('\0', ConsoleKey.RightArrow, false, false, false);
    public static readonly ConsoleKeyInfo Up = new('\0', ConsoleKey.UpArrow, false, false, false);
    public static readonly ConsoleKeyInfo Down = new('\0', ConsoleKey.DownArrow, false, false, false);
    public static readonly ConsoleKeyInfo Home = new('\0', ConsoleKey.Home, false, false, false);
    public static readonly ConsoleKeyInfo End = new('\0', ConsoleKey.End, false, false, false);
    public static readonly ConsoleKeyInfo Tab = new('\t', ConsoleKey.Tab, false, false, false);
    public static readonly ConsoleKeyInfo Escape = new('\u001b', ConsoleKey.Escape, false, false, false);
    public static readonly ConsoleKeyInfo F1 = new('\0', ConsoleKey.F1, false, false, false);
    public static readonly ConsoleKeyInfo CtrlLeft = new('\0', ConsoleKey.LeftArrow, false, false, true);
    public static readonly ConsoleKeyInfo CtrlRight = new('\0', ConsoleKey.RightArrow, false, false, true);

    /// <summary>Ctrl+letter as .NET 8+ reports it on Unix.</summary>
    public static ConsoleKeyInfo Ctrl(char letter) =>
        new('\0', ConsoleKey.A + (char.ToUpperInvariant(letter) - 'A'), false, false, true);

    /// <summary>Ctrl+letter as only its control character (older runtimes, other platforms).</summary>
    public static ConsoleKeyInfo ControlCharacter(char letter) =>
        new((char)(char.ToUpperInvariant(letter) - 'A' + 1), default, false, false, false);

    /// <summary>Alt+letter (ESC letter).</summary>
    public static ConsoleKeyInfo Alt(char letter) =>
        new(letter, ConsoleKey.A + (char.ToUpperInvariant(letter) - 'A'), false, true, false);

    /// <summary>One typed character; a non-BMP character is typed as its two surrogates, as the terminal sends them.</summary>
    public static ConsoleKeyInfo Char(char c)
    {
        var key = c switch
        {
            >= 'a' and <= 'z' => ConsoleKey.A + (c - 'a'),
            >= 'A' and <= 'Z' => ConsoleKey.A + (c - 'A'),
            >= '0' and <= '9' => ConsoleKey.D0 + (c - '0'),
            ' ' => ConsoleKey.Spacebar,
            _ => default,
        };
        return new ConsoleKeyInfo(c, key, c is >= 'A' and <= 'Z', false, false);
    }

    /// <summary>Expands strings into typed characters and keeps keys as they are.</summary>
    public static IEnumerable<ConsoleKeyInfo> Sequence(params object[] parts)
    {
        foreach (var part in parts)
        {
            switch (part)
            {
                case string text:
                    foreach (var c in text)
                    {
                        yield return Char(c);
                    }

                    break;
                case ConsoleKeyInfo key:
                    yield return key;
                    break;
                case IEnumerable<ConsoleKeyInfo> keys:
                    foreach (var key in keys)
                    {
                        yield return key;
                    }

                    break;
                default:
                    throw new ArgumentException($"not a key or text: {part}", nameof(parts));
            }
        }
    }
}
