using System.Text;

namespace Parley.Cli;

/// <summary>
/// Splits a command line into words as a POSIX shell would, without expanding anything: blanks separate words,
/// single quotes keep everything literally, double quotes keep everything but <c>\"</c>, <c>\\</c>, <c>\$</c> and
/// <c>\`</c>, and a backslash outside quotes takes the next character literally.
/// </summary>
internal static class ShellWords
{
    /// <exception cref="CliUsageException">A quote is not closed, or the line ends with a lone backslash.</exception>
    public static List<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    inWord = true;
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new CliUsageException($"unclosed ' in \"{line}\"");
                    }

                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    i = ReadDoubleQuoted(line, i + 1, word);
                    break;
                case '\\':
                    inWord = true;
                    if (i + 1 >= line.Length)
                    {
                        throw new CliUsageException($"\"{line}\" ends with a lone backslash");
                    }

                    word.Append(line[++i]);
                    break;
                default:
                    inWord = true;
                    word.Append(c);
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    // Returns the index of the closing quote.
    private static int ReadDoubleQuoted(string line, int start, StringBuilder word)
    {
        for (var i = start; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                return i;
            }

            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
            {
                word.Append(line[++i]);
                continue;
            }

            word.Append(c);
        }

        throw new CliUsageException($"unclosed \" in \"{line}\"");
    }
}
