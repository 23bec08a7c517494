using System.Text;

namespace Parley.Cli;

/// <summary>
/// Reads every file and standard input Parley takes a prompt from (prompt files, <c>--messages</c>, <c>tokens -f</c>,
/// <c>history import</c>, piped text and piped chat), and stops at <see cref="LimitBytes"/>: <c>/dev/zero</c> is refused at once
/// instead of filling the memory.
/// </summary>
internal static class InputReader
{
    /// <summary>The largest input read: 16 MiB, far above any context window's worth of text.</summary>
    public const int LimitBytes = 16 * 1024 * 1024;

    /// <summary>Reads a text file (UTF-8 unless a byte order mark says otherwise).</summary>
    /// <exception cref="CliUsageException">The file is larger than the limit.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<string> ReadFileTextAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, useAsync: true);
        var bytes = await ReadAsync(file, path, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads all of standard input, whether or not it is redirected.</summary>
    /// <exception cref="CliUsageException">Standard input is larger than the limit.</exception>
    public static async Task<ArraySegment<byte>> ReadStandardInputAsync(CancellationToken cancellationToken)
    {
        await using var stdin = Console.OpenStandardInput();
        return await ReadAsync(stdin, "standard input", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a stream to its end, or throws as soon as it passes the limit (the stream is disposed).</summary>
    public static async Task<ArraySegment<byte>> ReadAsync(Stream stream, string name, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var capped = new CappedStream(stream, name))
        {
            await capped.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Standard input as text lines for piped chat: the same limit, over the whole session.</summary>
    public static TextReader StandardInputLines() =>
        new StreamReader(new CappedStream(Console.OpenStandardInput(), "standard input"), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
}
