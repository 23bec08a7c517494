using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// What a chat completion request carries beyond text, read as Microsoft.Extensions.AI content so that the gateway
/// counts it the way the library does (<see cref="TokenCounter.CountRequest"/>): image parts (<c>image_url</c>, data
/// URLs and web URLs, with their <c>detail</c>), file and audio parts, assistant <c>tool_calls</c>, <c>tool</c>
/// results, the <c>tools</c> (and legacy <c>functions</c>) offered and the <c>response_format</c>. Only read: the
/// body goes upstream as the client sent it.
/// </summary>
internal static class RequestContent
{
    /// <summary>
    /// <paramref name="messages"/> with the content <see cref="OpenAIMessageFormat"/> reads as text (which validated
    /// them) replaced by the parts, calls and results of the raw message where it has any.
    /// </summary>
    public static IReadOnlyList<ChatMessage> Enrich(IReadOnlyList<ChatMessage> messages, JsonElement raw)
    {
        List<ChatMessage>? enriched = null;
        var index = 0;
        foreach (var element in raw.EnumerateArray())
        {
            if (index < messages.Count && Contents(element) is { } contents)
            {
                enriched ??= [.. messages];
                var text = messages[index];
                enriched[index] = new ChatMessage(text.Role, contents) { AuthorName = text.AuthorName };
            }

            index++;
        }

        return enriched ?? messages;
    }

    /// <summary>The request's <c>tools</c>/<c>functions</c> and <c>response_format</c> as <see cref="ChatOptions"/> (null: neither).</summary>
    public static ChatOptions? Options(JsonElement root)
    {
        List<AITool>? tools = null;
        foreach (var key in (ReadOnlySpan<string>)["tools", "functions"])
        {
            if (!root.TryGetProperty(key, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var tool in list.EnumerateArray())
            {
                var function = tool.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : tool;
                if (function.ValueKind != JsonValueKind.Object || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                var description = function.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                var parameters = function.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : EmptyObject();
                (tools ??= []).Add(AIFunctionFactory.CreateDeclaration(name.GetString()!, description, parameters));
            }
        }

        var format = ResponseFormat(root);
        return tools is null && format is null ? null : new ChatOptions { Tools = tools, ResponseFormat = format };
    }

    private static ChatResponseFormat? ResponseFormat(JsonElement root)
    {
        if (!root.TryGetProperty("response_format", out var format) || format.ValueKind != JsonValueKind.Object
            || !format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        if (type.ValueEquals("json_object"))
        {
            return ChatResponseFormat.Json;
        }

        if (!type.ValueEquals("json_schema") || !format.TryGetProperty("json_schema", out var spec) || spec.ValueKind != JsonValueKind.Object
            || !spec.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return ChatResponseFormat.ForJsonSchema(schema.Clone(), String(spec, "name"), String(spec, "description"));
    }

    // The message's contents when it has more than text (parts, tool calls, a tool result); null when text says it all.
    private static List<AIContent>? Contents(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var role = String(message, "role");
        var hasCalls = message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0;
        var hasParts = message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array;
        if (!hasCalls && !hasParts && role != "tool")
        {
            return null;
        }

        var contents = new List<AIContent>();
        if (role == "tool")
        {
            contents.Add(new FunctionResultContent(String(message, "tool_call_id") ?? string.Empty, TextOf(content)));
        }
        else if (hasParts)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (Part(part) is { } read)
                {
                    contents.Add(read);
                }
            }
        }
        else if (content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
        {
            contents.Add(new TextContent(text));
        }

        if (hasCalls)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    contents.Add(new FunctionCallContent(String(call, "id") ?? string.Empty, String(function, "name") ?? string.Empty, Arguments(function)));
                }
            }
        }

        return contents;
    }

    private static AIContent? Part(JsonElement part)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            return new TextContent(text.GetString());
        }

        if (part.TryGetProperty("image_url", out var image))
        {
            var url = image.ValueKind == JsonValueKind.String ? image.GetString() : String(image, "url");
            if (url is null)
            {
                return null;
            }

            AIContent read;
            if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                read = new DataContent(url);
            }
            else if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                read = new UriContent(uri, "image/*");
            }
            else
            {
                return new AIContent();
            }

            if (image.ValueKind == JsonValueKind.Object && String(image, "detail") is { } detail)
            {
                read.AdditionalProperties = new AdditionalPropertiesDictionary { ["detail"] = detail };
            }

            return read;
        }

        if (part.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.Object && String(file, "file_data") is { } data
            && data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return new DataContent(data) { Name = String(file, "filename") };
        }

        if (part.TryGetProperty("input_audio", out var audio) && audio.ValueKind == JsonValueKind.Object && String(audio, "data") is { } base64)
        {
            return new DataContent($"data:audio/{String(audio, "format") ?? "wav"};base64,{base64}");
        }

        // A file by id, or a part type this gateway does not know: it has no known token count (the count is an estimate).
        return new AIContent();
    }

    // Arguments as the client sent them: a JSON string of an object (OpenAI), or an object.
    private static Dictionary<string, object?>? Arguments(JsonElement function)
    {
        if (!function.TryGetProperty("arguments", out var arguments))
        {
            return null;
        }

        try
        {
            using var document = arguments.ValueKind == JsonValueKind.String ? JsonDocument.Parse(arguments.GetString()!) : null;
            var value = document?.RootElement ?? arguments;
            if (value.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var read = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in value.EnumerateObject())
            {
                read[property.Name] = property.Value.Clone();
            }

            return read;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Join('\n', content.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(p => p.GetProperty("text").GetString())),
        _ => string.Empty,
    };

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
