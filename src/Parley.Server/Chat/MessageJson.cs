using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// The upstream JSON of a kept conversation's messages (what <see cref="OpenAIMessageFormat.WriteMessage"/> writes for
/// each), written the first time a message is sent and reused by every later turn, so that a turn's <c>messages</c>
/// array is the history's bytes joined, not the history serialized again. Only the messages it was told to keep
/// (<see cref="Keep"/>: the conversation's own) are kept; any other message is written each time.
/// </summary>
/// <remarks>
/// Per kept message: a dictionary entry (28–56 bytes with its share of the buckets, by how full it is) and, once sent, a byte array
/// (24 bytes plus the message's JSON, e.g. 58 bytes for <c>{"role":"user","content":"Hello there, how are you today?"}</c>).
/// Its bound is its conversation's: <see cref="ConversationCache"/> keeps at most <c>maxMessages</c> messages in all.
/// </remarks>
internal sealed class MessageJson
{
    private readonly Dictionary<ChatMessage, byte[]?> _written = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    private int _writes;

    /// <summary>How many times a message was written for <see cref="WriteArray"/> with this instance (kept or not); for tests.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Keeps the JSON of <paramref name="message"/> once it is written (the message must not change after).</summary>
    public void Keep(ChatMessage message)
    {
        lock (_gate)
        {
            _written.TryAdd(message, null);
        }
    }

    /// <summary>Stops keeping <paramref name="message"/>.</summary>
    public void Forget(ChatMessage message)
    {
        lock (_gate)
        {
            _written.Remove(message);
        }
    }

    /// <summary>
    /// The JSON array of <paramref name="messages"/> as one <see cref="Utf8JsonWriter"/> writes it with
    /// <see cref="OpenAIMessageFormat.WriteMessage"/> for each, taking each message kept by <paramref name="kept"/> from it.
    /// </summary>
    public static byte[] WriteArray(IReadOnlyList<ChatMessage> messages, MessageJson? kept) => Splice([], 0, 0, messages, kept);

    /// <summary>
    /// <paramref name="json"/> with the bytes [<paramref name="start"/>, <paramref name="end"/>) replaced by the array
    /// <see cref="WriteArray"/> writes, in one allocation (a long conversation's body is copied once).
    /// </summary>
    public static byte[] Splice(ReadOnlySpan<byte> json, int start, int end, IReadOnlyList<ChatMessage> messages, MessageJson? kept)
    {
        var parts = new byte[messages.Count][];
        if (kept is null)
        {
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = Write(messages[i]);
            }
        }
        else
        {
            lock (kept._gate)
            {
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i] = kept.Of(messages[i]);
                }
            }
        }

        // [a,b,c]: a comma between two values; a message that writes nothing adds nothing.
        var length = json.Length - (end - start) + 2;
        var values = 0;
        foreach (var part in parts)
        {
            if (part.Length > 0)
            {
                length += part.Length + (values++ > 0 ? 1 : 0);
            }
        }

        var result = new byte[length];
        json[..start].CopyTo(result);
        var at = start;
        result[at++] = (byte)'[';
        values = 0;
        foreach (var part in parts)
        {
            if (part.Length > 0)
            {
                if (values++ > 0)
                {
                    result[at++] = (byte)',';
                }

                part.CopyTo(result, at);
                at += part.Length;
            }
        }

        result[at++] = (byte)']';
        json[end..].CopyTo(result.AsSpan(at));
        return result;
    }

    // The caller holds _gate.
    private byte[] Of(ChatMessage message)
    {
        var found = _written.TryGetValue(message, out var json);
        if (json is not null)
        {
            return json;
        }

        _writes++;
        json = Write(message);
        if (found)
        {
            _written[message] = json;
        }

        return json;
    }

    /// <summary>
    /// What <see cref="OpenAIMessageFormat.WriteMessage"/> writes for <paramref name="message"/> inside an array, without
    /// the brackets: one value, several separated by commas, or nothing.
    /// </summary>
    private static byte[] Write(ChatMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            OpenAIMessageFormat.WriteMessage(writer, message);
            writer.WriteEndArray();
        }

        return buffer.WrittenSpan[1..^1].ToArray();
    }
}
