namespace Parley.Cli;

/// <summary>Collects a <c>"""</c> … <c>"""</c> block into one input; any other line is an input of its own.</summary>
internal static class MultiLineReader
{
    public const string Fence = "\"\"\"";

    /// <summary>Reads one input through <paramref name="readLine"/> (called with the prompt to show).</summary>
    public static async Task<string?> ReadInputAsync(
        Func<string, CancellationToken, Task<string?>> readLine, CancellationToken cancellationToken, string prompt = "> ", string continuation = "... ")
    {
        var first = await readLine(prompt, cancellationToken).ConfigureAwait(false);
        if (first is null || first.Trim() != Fence)
        {
            return first;
        }

        var lines = new List<string>();
        while (true)
        {
            var line = await readLine(continuation, cancellationToken).ConfigureAwait(false);
            if (line is null || line.Trim() == Fence)
            {
                return string.Join('\n', lines);
            }

            lines.Add(line);
        }
    }
}
