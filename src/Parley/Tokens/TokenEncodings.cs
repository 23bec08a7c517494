using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Parley;

/// <summary>
/// The tiktoken encodings Parley ships, loaded lazily (once per process, thread-safe) from the
/// Microsoft.ML.Tokenizers data packages. Text is encoded as the API bills user text: special tokens such as
/// <c>&lt;|endoftext|&gt;</c> are plain text (tiktoken <c>encode_ordinary</c>).
/// </summary>
internal static partial class TokenEncodings
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";
    public const string O200kHarmony = "o200k_harmony";

    private const string O200kResource = "o200k_base.tiktoken.deflate";
    private const string O200kAssembly = "Microsoft.ML.Tokenizers.Data.O200kBase";
    private const string Cl100kResource = "cl100k_base.tiktoken.deflate";
    private const string Cl100kAssembly = "Microsoft.ML.Tokenizers.Data.Cl100kBase";

    private static readonly Lazy<Tokenizer> O200k = new(
        () => Load(O200kResource, O200kAssembly, O200kPattern()),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<Tokenizer> Cl100k = new(
        () => Load(Cl100kResource, Cl100kAssembly, Cl100kPattern()),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<LongPieceTokenizer> O200kLongPieces = new(
        () => new LongPieceTokenizer(O200k.Value, ReadRanks(O200kResource, O200kAssembly)), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<LongPieceTokenizer> Cl100kLongPieces = new(
        () => new LongPieceTokenizer(Cl100k.Value, ReadRanks(Cl100kResource, Cl100kAssembly)), LazyThreadSafetyMode.ExecutionAndPublication);

    private static int loads;

    /// <summary>How many vocabularies this process has loaded (for tests and diagnostics).</summary>
    public static int LoadCount => Volatile.Read(ref loads);

    /// <summary>True for the encodings Parley can count exactly.</summary>
    public static bool IsSupported(string? encoding) =>
        encoding is O200kBase or Cl100kBase or O200kHarmony;

    /// <summary>
    /// The vocabulary that counts <paramref name="encoding"/>. o200k_harmony is o200k_base plus special tokens,
    /// which user text never produces, so both count with the same tokenizer.
    /// </summary>
    public static string TokenizerKey(string encoding) => encoding switch
    {
        O200kBase or O200kHarmony => O200kBase,
        Cl100kBase => Cl100kBase,
        _ => throw new ArgumentException($"Unsupported encoding '{encoding}'.", nameof(encoding)),
    };

    /// <summary>Whether the tokenizer for <paramref name="encoding"/> is already in memory.</summary>
    public static bool IsLoaded(string encoding) => Lazy(encoding).IsValueCreated;

    /// <summary>Gets the tokenizer, loading it on first use.</summary>
    public static Tokenizer Get(string encoding) => Lazy(encoding).Value;

    /// <summary>
    /// Counts the tokens of <paramref name="text"/> in <paramref name="encoding"/>: the library's tokenizer, or
    /// <see cref="LongPieceTokenizer"/> when a pre-token piece is long (the library's merge is quadratic in it).
    /// </summary>
    public static int Count(string encoding, string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        Tokenizer tokenizer = Get(encoding);
        return HasLongPiece(encoding, text) ? LongPieces(encoding).Count(text) : tokenizer.CountTokens(text);
    }

    /// <summary>Encodes <paramref name="text"/> to token ids (special tokens as plain text), as <see cref="Count"/> counts.</summary>
    public static IReadOnlyList<int> EncodeToIds(string encoding, string text)
    {
        Tokenizer tokenizer = Get(encoding);
        return HasLongPiece(encoding, text) ? LongPieces(encoding).EncodeToIds(text) : tokenizer.EncodeToIds(text);
    }

    /// <summary>The long-piece path of <paramref name="encoding"/> (built on first use from the loaded tokenizer).</summary>
    internal static LongPieceTokenizer LongPieces(string encoding) =>
        (TokenizerKey(encoding) == O200kBase ? O200kLongPieces : Cl100kLongPieces).Value;

    private static bool HasLongPiece(string encoding, string text) =>
        LongPieceTokenizer.MayHaveLongPiece(text) && LongPieces(encoding).HasLongPiece(text);

    private static Lazy<Tokenizer> Lazy(string encoding) =>
        TokenizerKey(encoding) == O200kBase ? O200k : Cl100k;

    private static Tokenizer Load(string resource, string assemblyName, Regex pattern)
    {
        using Stream vocabulary = OpenVocabulary(resource, assemblyName);

        // No special tokens: the pre-tokenizer never isolates "<|endoftext|>", so it is encoded as ordinary text,
        // exactly as the API bills it inside a message.
        Tokenizer tokenizer = TiktokenTokenizer.Create(vocabulary, new RegexPreTokenizer(pattern, null), normalizer: null, specialTokens: null);
        Interlocked.Increment(ref loads);
        return tokenizer;
    }

    private static TokenRanks ReadRanks(string resource, string assemblyName)
    {
        using Stream vocabulary = OpenVocabulary(resource, assemblyName);
        return TokenRanks.Read(vocabulary);
    }

    // The data assemblies are loaded by name, which the trimmer cannot follow: these keep them (and their
    // vocabulary resources) in trimmed and NativeAOT apps. Their only types are internal, so no typeof().
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.All, "Microsoft.ML.Tokenizers.O200kBaseTokenizerData", "Microsoft.ML.Tokenizers.Data.O200kBase")]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.All, "Microsoft.ML.Tokenizers.Cl100kBaseTokenizerData", "Microsoft.ML.Tokenizers.Data.Cl100kBase")]
    private static DeflateStream OpenVocabulary(string resource, string assemblyName)
    {
        Assembly data = Assembly.Load(new AssemblyName(assemblyName));
        Stream compressed = data.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{assemblyName} does not contain {resource}.");
        return new DeflateStream(compressed, CompressionMode.Decompress);
    }

    // tiktoken's o200k_base pattern (tiktoken_ext/openai_public.py).
    [GeneratedRegex(@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex O200kPattern();

    // tiktoken's cl100k_base pattern; its possessive quantifiers (?+ and ++) written as atomic groups.
    [GeneratedRegex(@"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)\p{L}+|\p{N}{1,3}| ?(?>[^\s\p{L}\p{N}]+)[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Cl100kPattern();
}
