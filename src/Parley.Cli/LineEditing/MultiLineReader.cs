namespace Parley.Cli;

/// <summary>
/// Turns lines into inputs: a line that is <c>"""</c> (surrounding whitespace ignored) opens a block, the lines that
/// follow are read with the continuation prompt until a closing <c>"""</c>, and the block's lines joined with
/// <c>\n</c> are one input. Any other line is an input by itself. Works over the <see cref="LineEditor"/> on a
/// terminal and over plain lines from a pipe (<see cref="FromReader"/>) alike.
/// </summary>
internal static class MultiLineReader
{
    /// <summary>The line that opens and closes a block.</summary>
    public const string Fence = "\"\"\"";

    /// <summary>The prompt shown for the lines inside a block.</summary>
    public const string DefaultContinuationPrompt = "... ";

    /// <summary>Reads one input.</summary>
    /// <param name="readLine">Reads one line after showing the given prompt; null at end of input.</param>
    /// <param name="prompt">The prompt for the first line.</param>
    /// <param name="cancellationToken">Passed to every <paramref name="readLine"/> call.</param>
    /// <param name="continuationPrompt">The prompt for the lines inside a block.</param>
    /// <returns>The input, or null at end of input. End of input inside a block ends the block: its lines so far are
    /// the input (null if it had none), and the next call returns null.</returns>
    public static async Task<string?> ReadInputAsync(
        Func<string, CancellationToken, Task<string?>> readLine,
        string prompt,
        CancellationToken cancellationToken,
        string continuationPrompt = DefaultContinuationPrompt)
    {
        ArgumentNullException.ThrowIfNull(readLine);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(continuationPrompt);

        var first = await readLine(prompt, cancellationToken).ConfigureAwait(false);
        if (first is null || !IsFence(first))
        {
            return first;
        }

        var lines = new List<string>();
        while (true)
        {
            var line = await readLine(continuationPrompt, cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return lines.Count == 0 ? null : string.Join('\n', lines);
            }

            if (IsFence(line))
            {
                return string.Join('\n', lines);
            }

            lines.Add(line);
        }
    }

    /// <summary>True for a line that opens or closes a block.</summary>
    public static bool IsFence(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.AsSpan().Trim().SequenceEqual(Fence);
    }

    /// <summary>Reads plain lines (no prompt, no editing) from <paramref name="reader"/>, e.g. piped stdin.</summary>
    public static Func<string, CancellationToken, Task<string?>> FromReader(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return (_, cancellationToken) => reader.ReadLineAsync(cancellationToken).AsTask();
    }

    /// <summary>Reads lines with <paramref name="editor"/>.</summary>
    public static Func<string, CancellationToken, Task<string?>> FromEditor(LineEditor editor)
    {
        ArgumentNullException.ThrowIfNull(editor);
        return editor.ReadLineAsync;
    }
}
