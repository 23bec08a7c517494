using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// Reads and writes conversations as an OpenAI-style messages array
/// (<c>[{"role":"system","content":"…"},{"role":"user","content":"…"}]</c>), the format of the tutorial's
/// <c>conversation_memory</c>.
/// </summary>
public static class OpenAIMessageFormat
{
    /// <summary>The roles accepted in a messages file.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["system", "developer", "user", "assistant", "tool"];

    /// <summary>The <c>developer</c> role of reasoning models (OpenAI's successor to <c>system</c>).</summary>
    public static ChatRole Developer { get; } = new("developer");

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses a messages array.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">The file name, used in error messages.</param>
    /// <exception cref="FormatException">Invalid JSON (with line and column) or an invalid message (with index and role).</exception>
    public static IReadOnlyList<ChatMessage> Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new FormatException($"{source}: invalid JSON at line {line}, column {column}", e);
        }

        using (document)
        {
            return Parse(document.RootElement, source);
        }
    }

    /// <summary>Reads a parsed messages array, or an object with <c>"messages"</c> (an OpenAI chat request).</summary>
    /// <param name="json">The array or the object.</param>
    /// <param name="source">Where it came from, used in error messages.</param>
    /// <exception cref="FormatException">Not an array of messages, or an invalid message (with index and role).</exception>
    public static IReadOnlyList<ChatMessage> Parse(JsonElement json, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var root = json;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("messages", out var inner))
        {
            root = inner;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{source}: expected a JSON array of messages (or an object with \"messages\")");
        }

        var messages = new List<ChatMessage>(root.GetArrayLength());
        var index = 0;
        foreach (var element in root.EnumerateArray())
        {
            messages.Add(ReadMessage(element, index, source));
            index++;
        }

        return messages;
    }

    /// <summary>Reads one OpenAI message object (a completion's <c>message</c>, or one element of a messages array).</summary>
    /// <param name="message">The message object.</param>
    /// <param name="source">Where it came from, used in error messages.</param>
    /// <returns>The message, with its tool calls, tool result or attachments as Microsoft.Extensions.AI content.</returns>
    /// <exception cref="FormatException">An invalid message (with its role).</exception>
    public static ChatMessage ParseMessage(JsonElement message, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ReadMessage(message, 0, source);
    }

    /// <summary>Writes messages as an indented OpenAI messages array.</summary>
    public static string Write(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                WriteMessage(writer, message);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Writes a message as OpenAI message objects: <c>role</c>, <c>content</c> and <c>name</c> when set; an assistant's tool
    /// calls as <c>tool_calls</c>; a tool result as a <c>tool</c> message with its <c>tool_call_id</c> (one object per
    /// result: a message with several results writes several objects); attachments as a <c>content</c> array of
    /// <c>text</c>, <c>image_url</c>, <c>input_audio</c> and <c>file</c> parts.
    /// </summary>
    public static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        OpenAIMessageWriter.Write(writer, message);
    }

    /// <summary>How many objects <see cref="WriteMessage"/> writes for <paramref name="message"/>: one per tool result, else one.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The number of objects (1 or more).</returns>
    public static int ObjectCount(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return OpenAIMessageWriter.ObjectCount(message);
    }

    private static ChatMessage ReadMessage(JsonElement element, int index, string source)
    {
        var number = index + 1;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{source}: message {number} is not an object");
        }

        if (!element.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"{source}: message {number} has no \"role\"");
        }

        var role = roleElement.GetString()!;
        if (!Roles.Contains(role))
        {
            throw new FormatException(
                $"{source}: message {number} has unknown role '{role}' (expected one of {string.Join(", ", Roles)})");
        }

        var contents = OpenAIMessageReader.ReadContents(element, role, $"{source}: message {number} ({role})");
        var message = new ChatMessage(role == "developer" ? Developer : new ChatRole(role), contents);
        if (element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            message.AuthorName = name.GetString();
        }

        return message;
    }
}
