using System.Text;
using System.Text.Json;

namespace Parley.Server;

/// <summary>
/// Finds where a top-level property's value lies in a JSON object's bytes, so a value can be replaced or a property
/// added while every other byte stays as the client or the upstream wrote it.
/// </summary>
internal static class JsonSplice
{
    /// <summary>The byte range [Start, End) of the value of top-level property <paramref name="name"/>, or null.</summary>
    public static (int Start, int End)? FindValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (match)
            {
                return (start, (int)reader.BytesConsumed);
            }
        }

        return null;
    }

    /// <summary>
    /// The object <paramref name="json"/> without its top-level property <paramref name="name"/> (with the comma that
    /// separated it), or null when it has no such property.
    /// </summary>
    public static byte[]? RemoveProperty(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var previousEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var match = reader.ValueTextEquals(name);
            reader.Read();
            reader.Skip();
            var valueEnd = (int)reader.BytesConsumed;
            if (match)
            {
                if (previousEnd >= 0)
                {
                    return Replace(json, previousEnd, valueEnd, []); // ,"name":value after an earlier property
                }

                // The first property: remove it with the comma after it, if another property follows.
                var rest = json[valueEnd..];
                var comma = rest.IndexOfAnyExcept(" \t\r\n"u8);
                var removeEnd = comma >= 0 && rest[comma] == (byte)',' ? valueEnd + comma + 1 : valueEnd;
                if (removeEnd > valueEnd)
                {
                    var next = json[removeEnd..].IndexOfAnyExcept(" \t\r\n"u8);
                    removeEnd += Math.Max(next, 0);
                }

                return Replace(json, nameStart, removeEnd, []);
            }

            previousEnd = valueEnd;
        }

        return null;
    }

    /// <summary>The index of the root object's closing brace.</summary>
    public static int ClosingBrace(ReadOnlySpan<byte> json) => json.LastIndexOf((byte)'}');

    /// <summary>True when the object whose closing brace is at <paramref name="closing"/> has no property before it.</summary>
    public static bool IsEmptyObject(ReadOnlySpan<byte> json, int closing)
    {
        var before = json[..closing].TrimEnd(" \t\r\n"u8);
        return before.Length > 0 && before[^1] == (byte)'{';
    }

    /// <summary>Adds <c>,"name":value</c> (no comma in an empty object) before the object's closing brace at <paramref name="closing"/>.</summary>
    public static byte[] InsertBefore(ReadOnlySpan<byte> json, int closing, string name, ReadOnlySpan<byte> rawValue)
    {
        var comma = IsEmptyObject(json, closing) ? 0 : 1;
        closing = json[..closing].TrimEnd(" \t\r\n"u8).Length; // right after the last value: the layout stays as it was
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var result = new byte[json.Length + comma + nameBytes.Length + 3 + rawValue.Length];
        var at = 0;
        json[..closing].CopyTo(result);
        at += closing;
        if (comma == 1)
        {
            result[at++] = (byte)',';
        }

        result[at++] = (byte)'"';
        nameBytes.CopyTo(result.AsSpan(at));
        at += nameBytes.Length;
        result[at++] = (byte)'"';
        result[at++] = (byte)':';
        rawValue.CopyTo(result.AsSpan(at));
        at += rawValue.Length;
        json[closing..].CopyTo(result.AsSpan(at));
        return result;
    }

    /// <summary>Replaces the bytes [start, end) with <paramref name="replacement"/>.</summary>
    public static byte[] Replace(ReadOnlySpan<byte> json, int start, int end, ReadOnlySpan<byte> replacement)
    {
        var result = new byte[json.Length - (end - start) + replacement.Length];
        json[..start].CopyTo(result);
        replacement.CopyTo(result.AsSpan(start));
        json[end..].CopyTo(result.AsSpan(start + replacement.Length));
        return result;
    }
}
