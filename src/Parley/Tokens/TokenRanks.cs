using System.Globalization;

namespace Parley;

/// <summary>
/// A tiktoken vocabulary as token bytes → rank (the token id; lower ranks merge first), read from the same
/// <c>.tiktoken</c> resource the library's tokenizer is built from: one line per token, its base64 bytes and
/// optionally a space and its rank; without one, the rank is the previous rank + 1 (Microsoft.ML.Tokenizers' data
/// packages store the ranks implicitly, after a <c>Capacity: N</c> line).
/// Microsoft.ML.Tokenizers keeps its own byte dictionary internal, so <see cref="LongPieceTokenizer"/> reads it again.
/// </summary>
internal sealed class TokenRanks
{
    private const string CapacityHeader = "Capacity:";

    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> lookup;

    private TokenRanks(Dictionary<byte[], int> ranks)
    {
        lookup = ranks.GetAlternateLookup<ReadOnlySpan<byte>>();
        MaxTokenBytes = ranks.Keys.Max(token => token.Length);
    }

    /// <summary>The longest token in bytes: a longer byte sequence has no rank.</summary>
    public int MaxTokenBytes { get; }

    /// <summary>Reads a <c>.tiktoken</c> vocabulary.</summary>
    /// <param name="vocabulary">The text stream (not disposed).</param>
    /// <returns>The ranks.</returns>
    public static TokenRanks Read(Stream vocabulary)
    {
        var ranks = new Dictionary<byte[], int>(210_000, ByteSequenceComparer.Instance);
        using var reader = new StreamReader(vocabulary, leaveOpen: true);
        int next = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith(CapacityHeader, StringComparison.Ordinal))
            {
                continue;
            }

            int space = line.IndexOf(' ', StringComparison.Ordinal);
            int rank = space < 0 ? next : int.Parse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture);
            ranks[Convert.FromBase64String(space < 0 ? line : line[..space])] = rank;
            next = rank + 1;
        }

        return new TokenRanks(ranks);
    }

    /// <summary>The rank of <paramref name="token"/>, or -1 when it is not in the vocabulary.</summary>
    /// <param name="token">The bytes.</param>
    /// <returns>The rank or -1.</returns>
    public int Rank(ReadOnlySpan<byte> token) =>
        token.Length <= MaxTokenBytes && lookup.TryGetValue(token, out int rank) ? rank : -1;
}
