using System.Text;

namespace Parley.Cli;

/// <summary>Builds the prompt from standard input and the command-line words (stdin first, as simonw/llm does).</summary>
internal static class PromptReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads all of stdin when it is redirected; null when stdin is a terminal.</summary>
    /// <exception cref="CliUsageException">stdin is not valid UTF-8, or larger than the input limit.</exception>
    public static async Task<string?> ReadStandardInputAsync(CancellationToken cancellationToken)
    {
        if (!Console.IsInputRedirected)
        {
            return null;
        }

        var bytes = await InputReader.ReadStandardInputAsync(cancellationToken).ConfigureAwait(false);
        return Decode(bytes);
    }

    /// <summary>Decodes stdin bytes strictly, naming the offset of the first invalid byte.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }))
        {
            bytes = bytes[3..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var offset = e.Index >= 0 ? $" at byte {e.Index}" : string.Empty;
            throw new CliUsageException($"standard input is not valid UTF-8{offset}: convert it first (e.g. iconv -t UTF-8)");
        }
    }

    /// <summary>Joins stdin text and the argument words into one prompt.</summary>
    public static string Combine(string? stdin, IReadOnlyList<string> words)
    {
        var argument = string.Join(' ', words);
        var piped = stdin?.TrimEnd('\r', '\n') ?? string.Empty;
        if (piped.Length == 0)
        {
            return argument;
        }

        return argument.Length == 0 ? piped : piped + "\n" + argument;
    }
}
