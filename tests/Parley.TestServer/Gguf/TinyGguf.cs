using System.Text;

namespace Parley.TestServer.Gguf;

/// <summary>
/// Writes tiny, deterministic llama-architecture GGUF files that llama.cpp loads: a byte-level vocabulary (one token
/// per byte) plus the ChatML control tokens, and f32 weights from a seeded generator. Their output is noise; tests
/// assert on token ids, counts, limits and errors, never on text.
/// </summary>
public static class TinyGguf
{
    /// <summary>The ChatML template llama.cpp recognizes (by its <c>&lt;|im_start|&gt;</c>).</summary>
    public const string ChatMLTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /// <summary>The control tokens after the 256 byte tokens, in id order (256, 257, 258).</summary>
    public static readonly IReadOnlyList<string> ControlTokens = ["<|im_start|>", "<|im_end|>", "<|endoftext|>"];

    /// <summary>The vocabulary size: 256 bytes and the control tokens.</summary>
    public static int VocabularySize => 256 + ControlTokens.Count;

    private const uint Alignment = 32;

    /// <summary>Writes a model to <paramref name="path"/>.</summary>
    /// <param name="path">The file to create (replaced if it exists).</param>
    /// <param name="options">The model's shape, or null for the defaults.</param>
    /// <returns><paramref name="path"/>.</returns>
    public static string Write(string path, TinyGgufOptions? options = null)
    {
        options ??= new TinyGgufOptions();
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        var tensors = Tensors(options);
        var metadata = Metadata(options);

        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);
        writer.Write((ulong)metadata.Count);
        foreach (var (key, write) in metadata)
        {
            WriteString(writer, key);
            write(writer);
        }

        ulong offset = 0;
        foreach (var (name, shape, _) in tensors)
        {
            WriteString(writer, name);
            writer.Write((uint)shape.Length);
            foreach (var dimension in shape)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write(0u); // GGML_TYPE_F32
            writer.Write(offset);
            offset = Align(offset + (ulong)(Elements(shape) * sizeof(float)));
        }

        Pad(writer);
        var random = new Random(options.Seed);
        foreach (var (_, shape, fill) in tensors)
        {
            var count = Elements(shape);
            for (var i = 0; i < count; i++)
            {
                writer.Write(fill ?? (float)((random.NextDouble() * 2.0) - 1.0) * 0.5f);
            }

            Pad(writer);
        }

        return path;
    }

    /// <summary>The byte-level vocabulary in GPT-2's printable byte form, then the control tokens.</summary>
    public static IReadOnlyList<string> Tokens()
    {
        var unicode = ByteToUnicode();
        var tokens = new List<string>(VocabularySize);
        for (var b = 0; b < 256; b++)
        {
            tokens.Add(unicode[b].ToString());
        }

        tokens.AddRange(ControlTokens);
        return tokens;
    }

    private static List<(string Key, Action<BinaryWriter> Write)> Metadata(TinyGgufOptions o)
    {
        var tokens = Tokens();
        var list = new List<(string, Action<BinaryWriter>)>
        {
            ("general.architecture", w => StringValue(w, "llama")),
            ("general.name", w => StringValue(w, o.Name)),
            ("general.alignment", w => UInt32Value(w, Alignment)),
            ("llama.context_length", w => UInt32Value(w, (uint)o.ContextLength)),
            ("llama.embedding_length", w => UInt32Value(w, (uint)o.EmbeddingLength)),
            ("llama.block_count", w => UInt32Value(w, (uint)o.BlockCount)),
            ("llama.feed_forward_length", w => UInt32Value(w, (uint)o.FeedForwardLength)),
            ("llama.attention.head_count", w => UInt32Value(w, (uint)o.HeadCount)),
            ("llama.attention.head_count_kv", w => UInt32Value(w, (uint)o.HeadCount)),
            ("llama.attention.layer_norm_rms_epsilon", w => { w.Write(6u); w.Write(1e-5f); }),
            ("tokenizer.ggml.model", w => StringValue(w, "gpt2")),
            ("tokenizer.ggml.pre", w => StringValue(w, "default")),
            ("tokenizer.ggml.tokens", w =>
            {
                w.Write(9u);
                w.Write(8u);
                w.Write((ulong)tokens.Count);
                foreach (var token in tokens)
                {
                    WriteString(w, token);
                }
            }),
            ("tokenizer.ggml.token_type", w =>
            {
                w.Write(9u);
                w.Write(5u); // int32
                w.Write((ulong)tokens.Count);
                for (var i = 0; i < tokens.Count; i++)
                {
                    w.Write(i < 256 ? 1 : 3); // normal, control
                }
            }),
            ("tokenizer.ggml.merges", w =>
            {
                w.Write(9u);
                w.Write(8u);
                w.Write(0ul);
            }),
            ("tokenizer.ggml.bos_token_id", w => UInt32Value(w, 258)),
            ("tokenizer.ggml.eos_token_id", w => UInt32Value(w, 257)),
            ("tokenizer.ggml.add_bos_token", w => { w.Write(7u); w.Write(false); }),
        };
        if (o.ChatTemplate is { } template)
        {
            list.Add(("tokenizer.chat_template", w => StringValue(w, template)));
        }

        return list;
    }

    private static List<(string Name, int[] Shape, float? Fill)> Tensors(TinyGgufOptions o)
    {
        int e = o.EmbeddingLength, f = o.FeedForwardLength, v = VocabularySize;
        var list = new List<(string, int[], float?)>
        {
            ("token_embd.weight", [e, v], null),
            ("output_norm.weight", [e], 1f),
        };
        for (var i = 0; i < o.BlockCount; i++)
        {
            list.Add(($"blk.{i}.attn_norm.weight", [e], 1f));
            list.Add(($"blk.{i}.attn_q.weight", [e, e], null));
            list.Add(($"blk.{i}.attn_k.weight", [e, e], null));
            list.Add(($"blk.{i}.attn_v.weight", [e, e], null));
            list.Add(($"blk.{i}.attn_output.weight", [e, e], null));
            list.Add(($"blk.{i}.ffn_norm.weight", [e], 1f));
            list.Add(($"blk.{i}.ffn_gate.weight", [e, f], null));
            list.Add(($"blk.{i}.ffn_up.weight", [e, f], null));
            list.Add(($"blk.{i}.ffn_down.weight", [f, e], null));
        }

        return list;
    }

    // GPT-2's reversible byte → printable character map, which byte-level BPE vocabularies are written in.
    private static char[] ByteToUnicode()
    {
        var map = new char[256];
        var n = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)(256 + n++);
        }

        return map;
    }

    private static long Elements(int[] shape) => shape.Aggregate(1L, (product, d) => product * d);

    private static ulong Align(ulong value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        writer.Flush();
        var position = (ulong)writer.BaseStream.Position;
        for (var i = position; i < Align(position); i++)
        {
            writer.Write((byte)0);
        }
    }

    private static void StringValue(BinaryWriter w, string value)
    {
        w.Write(8u);
        WriteString(w, value);
    }

    private static void UInt32Value(BinaryWriter w, uint value)
    {
        w.Write(4u);
        w.Write(value);
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
