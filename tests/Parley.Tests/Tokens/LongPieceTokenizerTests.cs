using System.Text;
using System.Text.Json;

namespace Parley.Tests.Tokens;

/// <summary>
/// The long-piece path (<see cref="LongPieceTokenizer"/>, <see cref="RankedPairMerge"/>) against Microsoft.ML.Tokenizers'
/// own encoder on random texts it still encodes quickly, and against npm tiktoken on 100,000-char runs without spaces.
/// </summary>
public sealed class LongPieceTokenizerTests
{
    public static readonly TheoryData<string> Encodings = new() { TokenEncodings.O200kBase, TokenEncodings.Cl100kBase };

    // Code points (or short strings) random texts are drawn from: alphabets, cases, marks, digits, base64, CJK,
    // emoji (surrogate pairs), a lone surrogate, whitespace and punctuation runs the patterns treat specially.
    private static readonly string[][] Alphabets =
    [
        ["a"],
        ["a", "b"],
        Letters("abcdefghijklmnopqrstuvwxyz"),
        Letters("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        Letters("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        Letters("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
        Letters("0123456789abcdef"),
        Letters("абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГД"),
        Letters("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会"),
        Letters("あいうえおかきくけこアイウエオカキクケコ"),
        Letters("كتبالعربيةمرحبا"),
        ["e", "\u0301", "a", "\u0308", "n", "\u0303"],
        ["😀", "👍", "🏳️‍🌈", "a", "é"],
        ["a", "\uD800", "b", "\uDC00"],
        ["/", "\n", "!", "\r\n", "a"],
        [" ", "\t", "\n", "\u00A0", "a"],
        ["'s", "'ll", "'", "a", "B"],
        ["<|endoftext|>", "a", "|", "<"],
        ["a", "b", " ", ".", ",", "1", "日", "\n", "-", "_"],
    ];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void EncodeToIds_RandomTextsEveryPieceMerged_EqualsLibraryIds(string encoding)
    {
        var random = new Random(14);
        LongPieceTokenizer longPieces = TokenEncodings.LongPieces(encoding);
        var failures = new List<string>();
        int compared = 0;
        foreach (string[] alphabet in Alphabets)
        {
            for (int i = 0; i < 40; i++)
            {
                string text = Draw(random, alphabet, random.Next(1, i < 30 ? 80 : 1500));
                IReadOnlyList<int> expected = TokenEncodings.Get(encoding).EncodeToIds(text);
                IReadOnlyList<int> actual = longPieces.EncodeToIds(text);
                compared++;
                if (!expected.SequenceEqual(actual))
                {
                    failures.Add($"{Escape(text)}: library {expected.Count} tokens, merge {actual.Count}");
                }
            }
        }

        Assert.Equal(40 * Alphabets.Length, compared);
        Assert.Empty(failures.Take(5));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Count_RunsLongerThanThreshold_EqualsLibraryCount(string encoding)
    {
        var random = new Random(11);
        foreach (string[] alphabet in Alphabets)
        {
            string text = Draw(random, alphabet, random.Next(LongPieceTokenizer.LongPieceChars * 2, 3000));
            bool routed = LongPieceTokenizer.MayHaveLongPiece(text) && TokenEncodings.LongPieces(encoding).HasLongPiece(text);

            Assert.Equal(TokenEncodings.Get(encoding).CountTokens(text), TokenEncodings.Count(encoding, text));
            Assert.Equal(TokenEncodings.Get(encoding).EncodeToIds(text), TokenEncodings.EncodeToIds(encoding, text));
            if (alphabet.Length <= 2)
            {
                Assert.True(routed, $"a run of {Escape(alphabet[0])} did not take the long-piece path");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void MayHaveLongPiece_TextWithLongPiece_IsTrue(string encoding)
    {
        var random = new Random(7);
        int longTexts = 0;
        foreach (string[] alphabet in Alphabets)
        {
            for (int i = 0; i < 20; i++)
            {
                string text = Draw(random, alphabet, random.Next(1, 1200));
                if (TokenEncodings.LongPieces(encoding).HasLongPiece(text))
                {
                    longTexts++;
                    Assert.True(LongPieceTokenizer.MayHaveLongPiece(text), $"missed a long piece in {Escape(text)}");
                }
            }
        }

        Assert.True(longTexts >= 50, $"only {longTexts} texts had a long piece");
    }

    // npm tiktoken's counts (tests/Parley.Tests/Tokens/long-run-vectors.mjs) of 100,000-char runs without spaces:
    // Microsoft.ML.Tokenizers alone takes about 4.5 s for each; the long-piece path, milliseconds.
    [Fact]
    public void Count_HundredThousandCharRuns_EqualsNpmTiktoken()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Tokens", "LongRunVectors.json")));
        int compared = 0;
        foreach (JsonElement vector in document.RootElement.GetProperty("vectors").EnumerateArray())
        {
            string encoding = vector.GetProperty("encoding").GetString()!;
            string text = Run(vector.GetProperty("alphabet").GetString()!, vector.GetProperty("length").GetInt32());

            Assert.Equal(vector.GetProperty("tokens").GetInt32(), TokenEncodings.Count(encoding, text));
            compared++;
        }

        Assert.Equal(8, compared);
    }

    /// <summary>The texts of long-run-vectors.mjs: <paramref name="length"/> code points of an LCG over the alphabet.</summary>
    private static string Run(string alphabet, int length)
    {
        string[] letters = Letters(alphabet);
        var text = new StringBuilder(length * 2);
        int x = 1;
        for (int i = 0; i < length; i++)
        {
            x = (int)((uint)x * 1103515245u + 12345u) & 0x7fffffff;
            text.Append(letters[(x >>> 16) % letters.Length]);
        }

        return text.ToString();
    }

    private static string[] Letters(string alphabet)
    {
        var letters = new List<string>();
        for (int i = 0; i < alphabet.Length; i += char.IsSurrogatePair(alphabet, i) ? 2 : 1)
        {
            letters.Add(char.IsSurrogatePair(alphabet, i) ? alphabet.Substring(i, 2) : alphabet[i].ToString());
        }

        return [.. letters];
    }

    private static string Draw(Random random, string[] alphabet, int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return text.ToString();
    }

    private static string Escape(string text) =>
        text.Length > 60 ? JsonSerializer.Serialize(text[..60]) + $"… ({text.Length} chars)" : JsonSerializer.Serialize(text);
}
