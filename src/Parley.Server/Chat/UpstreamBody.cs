using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// The body sent upstream: the client's bytes, with only what Parley must change spliced in — the upstream's model id
/// (for a <c>provider:model</c> or an alias), messages a context step replaced, and <c>stream_options.include_usage</c>
/// (Parley always asks for usage). Every other field reaches the upstream byte for byte. Replaced messages are written
/// with <see cref="OpenAIMessageFormat.WriteMessage"/>; those of a kept conversation come from its <see cref="MessageJson"/>.
/// </summary>
internal static class UpstreamBody
{
    private static readonly byte[] UsageOptions = "{\"include_usage\":true}"u8.ToArray();

    public static byte[] Build(ChatRequest request, string upstreamModel, IReadOnlyList<ChatMessage>? replacedMessages, byte[]? clientBody = null, MessageJson? kept = null)
    {
        // The client's (small) body is changed first, the messages last: a long history is copied once and never parsed.
        var body = clientBody ?? request.Body;
        if (!string.Equals(upstreamModel, request.Model, StringComparison.Ordinal) && JsonSplice.FindValue(body, "model"u8) is var (start, end))
        {
            body = JsonSplice.Replace(body, start, end, JsonString(upstreamModel));
        }

        if (request.Stream && !request.IncludeUsage)
        {
            body = AskForUsage(body);
        }

        if (replacedMessages is not null && JsonSplice.FindValue(body, "messages"u8) is var (ms, me))
        {
            body = MessageJson.Splice(body, ms, me, replacedMessages, kept);
        }

        return body;
    }

    private static byte[] AskForUsage(byte[] body)
    {
        if (JsonSplice.FindValue(body, "stream_options"u8) is not var (start, end))
        {
            return JsonSplice.InsertBefore(body, JsonSplice.ClosingBrace(body), "stream_options", UsageOptions);
        }

        var value = body.AsSpan(start, end - start);
        if (value.Length == 0 || value[0] != (byte)'{')
        {
            return JsonSplice.Replace(body, start, end, UsageOptions);
        }

        var options = JsonSplice.FindValue(value, "include_usage"u8) is var (us, ue)
            ? JsonSplice.Replace(value, us, ue, "true"u8)
            : JsonSplice.InsertBefore(value, value.Length - 1, "include_usage", "true"u8);
        return JsonSplice.Replace(body, start, end, options);
    }

    private static byte[] JsonString(string text)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(text);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
