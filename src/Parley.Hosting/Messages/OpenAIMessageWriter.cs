using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// Writes a message in OpenAI's chat shapes (<see cref="OpenAIMessageFormat.WriteMessage"/>): an assistant's
/// <c>tool_calls</c>, one <c>tool</c> message per result with its <c>tool_call_id</c>, and a <c>content</c> array with
/// <c>image_url</c>, <c>input_audio</c> and <c>file</c> parts for attachments.
/// </summary>
internal static class OpenAIMessageWriter
{
    public static int ObjectCount(ChatMessage message) =>
        message.Contents.Count(c => c is FunctionResultContent) is > 0 and var results ? results : 1;

    public static void Write(Utf8JsonWriter writer, ChatMessage message)
    {
        if (message.Contents.Any(c => c is FunctionResultContent))
        {
            foreach (var result in message.Contents.OfType<FunctionResultContent>())
            {
                writer.WriteStartObject();
                writer.WriteString("role", "tool");
                writer.WriteString("tool_call_id", result.CallId);
                writer.WriteString("content", MessageDisplay.ResultText(result));
                writer.WriteEndObject();
            }

            return;
        }

        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        writer.WriteStartObject();
        writer.WriteString("role", message.Role.Value);
        if (message.Contents.Any(c => c is DataContent or UriContent))
        {
            writer.WritePropertyName("content");
            WriteParts(writer, message.Contents);
        }
        else if (calls.Count > 0 && message.Text.Length == 0)
        {
            writer.WriteNull("content");
        }
        else
        {
            writer.WriteString("content", message.Text);
        }

        if (!string.IsNullOrEmpty(message.AuthorName))
        {
            writer.WriteString("name", message.AuthorName);
        }

        if (calls.Count > 0)
        {
            writer.WritePropertyName("tool_calls");
            writer.WriteStartArray();
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", call.CallId);
                writer.WriteString("type", "function");
                writer.WritePropertyName("function");
                writer.WriteStartObject();
                writer.WriteString("name", call.Name);
                writer.WriteString("arguments", call.Arguments is null ? "{}" : JsonValues.ToJson(call.Arguments));
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteParts(Utf8JsonWriter writer, IList<AIContent> contents)
    {
        writer.WriteStartArray();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("text", text.Text);
                    writer.WriteEndObject();
                    break;
                case DataContent data:
                    WriteData(writer, data);
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    writer.WriteStartObject();
                    writer.WriteString("type", "image_url");
                    writer.WriteStartObject("image_url");
                    writer.WriteString("url", uri.Uri.OriginalString);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                case UriContent uri:
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("text", $"[file: {uri.Uri.OriginalString}, {uri.MediaType}]");
                    writer.WriteEndObject();
                    break;
                default:
                    break;
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteData(Utf8JsonWriter writer, DataContent data)
    {
        writer.WriteStartObject();
        if (data.HasTopLevelMediaType("image"))
        {
            writer.WriteString("type", "image_url");
            writer.WriteStartObject("image_url");
            writer.WriteString("url", data.Uri);
            writer.WriteEndObject();
        }
        else if (AudioFormat(data.MediaType) is { } format)
        {
            writer.WriteString("type", "input_audio");
            writer.WriteStartObject("input_audio");
            writer.WriteBase64String("data", data.Data.Span);
            writer.WriteString("format", format);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString("type", "file");
            writer.WriteStartObject("file");
            writer.WriteString("filename", data.Name ?? "file");
            writer.WriteString("file_data", data.Uri);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>OpenAI's <c>input_audio</c> formats: <c>wav</c> and <c>mp3</c>.</summary>
    public static string? AudioFormat(string mediaType) => mediaType.ToLowerInvariant() switch
    {
        "audio/wav" or "audio/x-wav" or "audio/wave" => "wav",
        "audio/mpeg" or "audio/mp3" => "mp3",
        _ => null,
    };
}
