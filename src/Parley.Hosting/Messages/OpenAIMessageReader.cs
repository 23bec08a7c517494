using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// Reads the contents of an OpenAI message (<see cref="OpenAIMessageFormat.Parse(string, string)"/>): its text or
/// content array (<c>text</c>, <c>image_url</c>, <c>input_audio</c>, <c>file</c> parts), an assistant's <c>tool_calls</c>
/// and a tool message's <c>tool_call_id</c>, as Microsoft.Extensions.AI content.
/// </summary>
internal static class OpenAIMessageReader
{
    /// <exception cref="FormatException">The message has no content (and is not an assistant message with tool calls).</exception>
    public static List<AIContent> ReadContents(JsonElement element, string role, string where)
    {
        var contents = new List<AIContent>();
        var hasContent = element.TryGetProperty("content", out var content) && content.ValueKind is JsonValueKind.String or JsonValueKind.Array;
        var calls = element.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array ? toolCalls : (JsonElement?)null;
        if (!hasContent && !(role == "assistant" && calls is not null))
        {
            throw new FormatException($"{where} has no \"content\"");
        }

        if (role == "tool" && Text(element, "tool_call_id") is { } callId)
        {
            contents.Add(new FunctionResultContent(callId, hasContent ? ContentText(content) : string.Empty));
            return contents;
        }

        if (hasContent && !(calls is not null && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: 0 }))
        {
            ReadContent(content, contents, where);
        }

        foreach (var call in calls?.EnumerateArray() ?? default)
        {
            if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                contents.Add(ReadCall(Text(call, "id") ?? string.Empty, Text(function, "name") ?? string.Empty, Text(function, "arguments")));
            }
        }

        if (contents.Count == 0)
        {
            contents.Add(new TextContent(string.Empty));
        }

        return contents;
    }

    private static void ReadContent(JsonElement content, List<AIContent> contents, string where)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            contents.Add(new TextContent(content.GetString()));
            return;
        }

        StringBuilder? text = null; // adjacent text parts join with a newline, as one text
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (Text(part, "text") is { } piece && Text(part, "type") is null or "text")
            {
                (text ??= new StringBuilder()).Append(text.Length > 0 ? "\n" : string.Empty).Append(piece);
                continue;
            }

            if (ReadAttachment(part, where) is { } attachment)
            {
                Flush(ref text, contents);
                contents.Add(attachment);
            }
        }

        Flush(ref text, contents);
    }

    private static void Flush(ref StringBuilder? text, List<AIContent> contents)
    {
        if (text is not null)
        {
            contents.Add(new TextContent(text.ToString()));
            text = null;
        }
    }

    private static AIContent? ReadAttachment(JsonElement part, string where)
    {
        try
        {
            return ReadAttachment(part);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
        {
            throw new FormatException($"{where} has an unreadable {Text(part, "type")} part: {e.Message}", e);
        }
    }

    private static AIContent? ReadAttachment(JsonElement part)
    {
        switch (Text(part, "type"))
        {
            case "image_url" when part.TryGetProperty("image_url", out var image):
                var url = image.ValueKind == JsonValueKind.String ? image.GetString() : Text(image, "url");
                return url switch
                {
                    null => null,
                    _ when url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) => new DataContent(url),
                    _ => new UriContent(url, ImageMediaType(url)),
                };
            case "input_audio" when part.TryGetProperty("input_audio", out var audio) && Text(audio, "data") is { } data:
                return new DataContent(Convert.FromBase64String(data), Text(audio, "format") == "mp3" ? "audio/mpeg" : "audio/wav");
            case "file" when part.TryGetProperty("file", out var file) && Text(file, "file_data") is { } fileData:
                return new DataContent(fileData) { Name = Text(file, "filename") };
            default:
                return null;
        }
    }

    private static FunctionCallContent ReadCall(string id, string name, string? arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    values[property.Name] = property.Value.Clone();
                }
            }

            return new FunctionCallContent(id, name, values);
        }
        catch (JsonException e)
        {
            return new FunctionCallContent(id, name) { Exception = e };
        }
    }

    private static string ContentText(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        var parts = new List<AIContent>();
        ReadContent(content, parts, "a tool result");
        return string.Concat(parts.OfType<TextContent>().Select(t => t.Text));
    }

    private static string ImageMediaType(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => "image/jpeg",
            ".gif" => "image/gif",
            ".webp" => "image/webp",
            _ => "image/png",
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
