using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Parley.TestServer;

/// <summary>Builds UTF-8 JSON payloads (optionally framed, e.g. <c>data: …\n\n</c>) the way OpenAI writes them: non-ASCII unescaped.</summary>
internal static class JsonBytes
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };
    private static readonly JsonWriterOptions Pretty = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    public static byte[] Build(Action<Utf8JsonWriter> write, bool indented = false, string prefix = "", string suffix = "")
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        if (prefix.Length > 0)
            Append(buffer, prefix);
        using (var writer = new Utf8JsonWriter(buffer, indented ? Pretty : Compact))
        {
            write(writer);
        }
        if (suffix.Length > 0)
            Append(buffer, suffix);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string text)
    {
        var span = buffer.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
        var n = System.Text.Encoding.UTF8.GetBytes(text, span);
        buffer.Advance(n);
    }
}
