using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.ML.Tokenizers;

namespace Parley;

/// <summary>
/// Encodes text that has a long pre-token piece (a run without spaces: a long word, CJK without punctuation,
/// repeated characters): Microsoft.ML.Tokenizers' byte-pair merge is quadratic in a piece's length (1 MB of one
/// letter takes minutes), so such text is split with the tokenizer's own pre-tokenizer and every piece is merged
/// by <see cref="RankedPairMerge"/> (the same merge, O(n log n)) over the same vocabulary. Text without a
/// long piece keeps the library's path (<see cref="HasLongPiece"/> decides). Thread-safe.
/// </summary>
internal sealed class LongPieceTokenizer
{
    /// <summary>Pieces longer than this many UTF-16 chars take this path (the library merges 256 chars in microseconds).</summary>
    public const int LongPieceChars = 256;

    private readonly PreTokenizer preTokenizer;
    private readonly TokenRanks ranks;

    /// <summary>Uses the pre-tokenizer of <paramref name="tokenizer"/> and the vocabulary it was built from.</summary>
    /// <param name="tokenizer">A tiktoken tokenizer without a normalizer.</param>
    /// <param name="ranks">The vocabulary <paramref name="tokenizer"/> was created from.</param>
    public LongPieceTokenizer(Tokenizer tokenizer, TokenRanks ranks)
    {
        preTokenizer = tokenizer.PreTokenizer ?? throw new ArgumentException("The tokenizer has no pre-tokenizer.", nameof(tokenizer));
        this.ranks = ranks;
    }

    /// <summary>
    /// A quick conservative test: false means no pre-token piece of <paramref name="text"/> is longer than
    /// <see cref="LongPieceChars"/>. Every piece of tiktoken's patterns is either whitespace only, or has no
    /// U+0020 after its first char (a letter run with one leading char, up to three digits, or an optional space,
    /// punctuation and line breaks or slashes), so a long piece needs a long run of whitespace or of non-spaces.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>True when a piece may be long.</returns>
    public static bool MayHaveLongPiece(ReadOnlySpan<char> text)
    {
        int withoutSpace = 0;
        int whitespace = 0;
        foreach (char c in text)
        {
            withoutSpace = c == ' ' ? 0 : withoutSpace + 1;
            whitespace = char.IsWhiteSpace(c) ? whitespace + 1 : 0;
            if (withoutSpace >= LongPieceChars - 1 || whitespace >= LongPieceChars)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a pre-token piece of <paramref name="text"/> is longer than <paramref name="threshold"/> chars (one
    /// pass of the pre-tokenizer: call <see cref="MayHaveLongPiece"/> first).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="threshold">The length in UTF-16 chars; <see cref="LongPieceChars"/> in production.</param>
    /// <returns>True when this path must count the text.</returns>
    public bool HasLongPiece(string text, int threshold = LongPieceChars)
    {
        foreach ((int _, int length) in preTokenizer.PreTokenize(text))
        {
            if (length > threshold)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Counts the tokens of <paramref name="text"/>, merging every piece with <see cref="RankedPairMerge"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The count.</returns>
    public int Count(string text) => Encode(text, null);

    /// <summary>Encodes <paramref name="text"/> to token ids, merging every piece with <see cref="RankedPairMerge"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The ids.</returns>
    public IReadOnlyList<int> EncodeToIds(string text)
    {
        var ids = new List<int>();
        Encode(text, ids);
        return ids;
    }

    private int Encode(string text, List<int>? ids)
    {
        var merge = new RankedPairMerge(ranks);
        byte[] buffer = new byte[Math.Min(Encoding.UTF8.GetMaxByteCount(LongPieceChars), Encoding.UTF8.GetMaxByteCount(text.Length))];
        int tokens = 0;
        foreach ((int offset, int length) in preTokenizer.PreTokenize(text))
        {
            ReadOnlySpan<char> piece = text.AsSpan(offset, length);
            if (Encoding.UTF8.GetMaxByteCount(length) > buffer.Length)
            {
                int needed = Encoding.UTF8.GetByteCount(piece);
                if (needed > buffer.Length)
                {
                    buffer = new byte[Math.Max(needed, Math.Min(buffer.Length * 2, Array.MaxLength))];
                }
            }

            tokens += merge.Merge(buffer, ToBytes(piece, buffer), ids);
        }

        return tokens;
    }

    // UTF-8, except that a lone surrogate becomes the three bytes of its code unit (ED A0 80 for U+D800), as
    // Microsoft.ML.Tokenizers encodes it (tiktoken would read U+FFFD), so both paths count such text alike.
    // `buffer` holds Encoding.UTF8.GetByteCount(piece) bytes: a lone surrogate is three bytes either way.
    private static int ToBytes(ReadOnlySpan<char> piece, byte[] buffer)
    {
        int written = 0;
        while (true)
        {
            OperationStatus status = Utf8.FromUtf16(piece, buffer.AsSpan(written), out int read, out int wrote, replaceInvalidSequences: false);
            written += wrote;
            if (status == OperationStatus.Done)
            {
                return written;
            }

            char surrogate = piece[read];
            buffer[written++] = (byte)(0xE0 | (surrogate >> 12));
            buffer[written++] = (byte)(0x80 | ((surrogate >> 6) & 0x3F));
            buffer[written++] = (byte)(0x80 | (surrogate & 0x3F));
            piece = piece[(read + 1)..];
        }
    }
}
