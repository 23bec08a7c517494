using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The <c>messages.parts</c> column: a message's contents other than plain text, as a JSON array in the message's own
/// order (its text parts included, so text and attachments come back in place), written and read without reflection.
/// Stored: <see cref="TextContent"/>, <see cref="FunctionCallContent"/>, <see cref="FunctionResultContent"/>,
/// <see cref="DataContent"/> (inline up to <see cref="InlineLimit"/> bytes, else a reference: SHA-256, size, name and
/// path) and <see cref="UriContent"/>. Reasoning is never stored; other content types are left out.
/// </summary>
/// <remarks>Linked into Parley.Postgres, so both stores write the same JSON.</remarks>
internal static class MessageParts
{
    // Readable in sqlite3 and compact for any language: quotes and non-ASCII text are not escaped (never HTML).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The largest attachment kept inline (base64) in the history: 256 KiB; a larger one is kept as a reference.</summary>
    public const int InlineLimit = 256 * 1024;

    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key of a <see cref="DataContent"/>'s original file path, if the caller set it.</summary>
    public const string PathProperty = "path";

    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key that marks the text standing in for an attachment that was not kept.</summary>
    public const string MissingAttachmentProperty = "parley.attachment_not_kept";

    /// <summary>
    /// The parts JSON of <paramref name="message"/>, or <see langword="null"/> when its text says everything (only text,
    /// or text and reasoning): then the <c>content</c> column alone is the message.
    /// </summary>
    public static string? ToJson(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.Contents.Any(IsRich))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteParts(json, message.Contents);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A stored message: its text alone when <paramref name="parts"/> is null (rows saved before schema version 8 too), else its parts.</summary>
    /// <exception cref="JsonException">The parts are not valid JSON.</exception>
    public static ChatMessage ToMessage(ChatRole role, string content, string? parts)
    {
        if (string.IsNullOrEmpty(parts))
        {
            return new ChatMessage(role, content);
        }

        using var document = JsonDocument.Parse(parts);
        return new ChatMessage(role, ReadParts(document.RootElement));
    }

    /// <summary>Whether the content needs the parts column (anything but text and reasoning that is stored).</summary>
    private static bool IsRich(AIContent content) =>
        content is FunctionCallContent or FunctionResultContent or DataContent or UriContent;

    private static void WriteParts(Utf8JsonWriter json, IEnumerable<AIContent> contents)
    {
        json.WriteStartArray();
        foreach (var content in contents)
        {
            WritePart(json, content);
        }

        json.WriteEndArray();
    }

    private static void WritePart(Utf8JsonWriter json, AIContent content)
    {
        switch (content)
        {
            case TextContent text:
                json.WriteStartObject();
                json.WriteString("type", "text");
                json.WriteString("text", text.Text);
                if (text.AdditionalProperties?.ContainsKey(MissingAttachmentProperty) == true)
                {
                    json.WriteBoolean("attachment_not_kept", true);
                }

                json.WriteEndObject();
                break;
            case FunctionCallContent call:
                json.WriteStartObject();
                json.WriteString("type", "function_call");
                json.WriteString("call_id", call.CallId);
                json.WriteString("name", call.Name);
                if (call.Arguments is { } arguments)
                {
                    json.WritePropertyName("arguments");
                    JsonValues.Write(json, arguments);
                }

                json.WriteEndObject();
                break;
            case FunctionResultContent result:
                json.WriteStartObject();
                json.WriteString("type", "function_result");
                json.WriteString("call_id", result.CallId);
                WriteResult(json, result.Result);
                if (result.Exception is { } exception)
                {
                    json.WriteString("error", exception.Message);
                }

                json.WriteEndObject();
                break;
            case DataContent data:
                WriteData(json, data);
                break;
            case UriContent uri:
                json.WriteStartObject();
                json.WriteString("type", "uri");
                json.WriteString("uri", uri.Uri.OriginalString);
                json.WriteString("media_type", uri.MediaType);
                json.WriteEndObject();
                break;
            default:
                break; // reasoning, usage, errors and unknown content are not part of the history
        }
    }

    private static void WriteResult(Utf8JsonWriter json, object? result)
    {
        switch (result)
        {
            case null:
                break;
            case string text:
                json.WriteString("text", text);
                break;
            case AIContent single:
                json.WritePropertyName("parts");
                WriteParts(json, [single]);
                break;
            case IEnumerable<AIContent> contents:
                json.WritePropertyName("parts");
                WriteParts(json, contents);
                break;
            default:
                json.WritePropertyName("json");
                JsonValues.Write(json, result);
                break;
        }
    }

    private static void WriteData(Utf8JsonWriter json, DataContent data)
    {
        json.WriteStartObject();
        json.WriteString("type", "data");
        json.WriteString("media_type", data.MediaType);
        if (data.Name is { } name)
        {
            json.WriteString("name", name);
        }

        var bytes = data.Data.Span;
        if (bytes.Length <= InlineLimit)
        {
            json.WriteBase64String("data", bytes);
        }
        else
        {
            // Too large for the history: kept as a reference that says which file it was and proves whether it changed.
            json.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(bytes)));
            json.WriteNumber("size", bytes.Length);
            if (data.AdditionalProperties?.TryGetValue(PathProperty, out var path) == true && path is string { Length: > 0 } text)
            {
                json.WriteString("path", text);
            }
        }

        json.WriteEndObject();
    }

    private static List<AIContent> ReadParts(JsonElement array)
    {
        var contents = new List<AIContent>();
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("the parts of a message are not a JSON array");
        }

        foreach (var part in array.EnumerateArray())
        {
            if (ReadPart(part) is { } content)
            {
                contents.Add(content);
            }
        }

        return contents;
    }

    private static AIContent? ReadPart(JsonElement part) => Text(part, "type") switch
    {
        "text" => ReadText(part),
        "function_call" => new FunctionCallContent(Text(part, "call_id") ?? string.Empty, Text(part, "name") ?? string.Empty, ReadArguments(part)),
        "function_result" => new FunctionResultContent(Text(part, "call_id") ?? string.Empty, ReadResult(part))
        {
            Exception = Text(part, "error") is { } error ? new InvalidOperationException(error) : null,
        },
        "data" => ReadData(part),
        "uri" => new UriContent(Text(part, "uri") ?? string.Empty, Text(part, "media_type") ?? "application/octet-stream"),
        _ => null, // a part type a later Parley wrote: left out
    };

    private static TextContent ReadText(JsonElement part)
    {
        var text = new TextContent(Text(part, "text") ?? string.Empty);
        if (part.TryGetProperty("attachment_not_kept", out var flag) && flag.ValueKind == JsonValueKind.True)
        {
            text.AdditionalProperties = new AdditionalPropertiesDictionary { [MissingAttachmentProperty] = true };
        }

        return text;
    }

    private static Dictionary<string, object?>? ReadArguments(JsonElement part)
    {
        if (!part.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in arguments.EnumerateObject())
        {
            values[property.Name] = property.Value.Clone();
        }

        return values;
    }

    private static object? ReadResult(JsonElement part)
    {
        if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            return text.GetString();
        }

        if (part.TryGetProperty("parts", out var parts))
        {
            return ReadParts(parts);
        }

        return part.TryGetProperty("json", out var json) ? json.Clone() : null;
    }

    private static AIContent ReadData(JsonElement part)
    {
        var mediaType = Text(part, "media_type") ?? "application/octet-stream";
        var name = Text(part, "name");
        if (part.TryGetProperty("data", out var inline) && inline.ValueKind == JsonValueKind.String)
        {
            return new DataContent(inline.GetBytesFromBase64(), mediaType) { Name = name };
        }

        var sha256 = Text(part, "sha256") ?? string.Empty;
        var size = part.TryGetProperty("size", out var length) && length.TryGetInt64(out var n) ? n : 0;
        var path = Text(part, "path");
        if (path is not null && TryReload(path, size, sha256) is { } bytes)
        {
            var reloaded = new DataContent(bytes, mediaType) { Name = name };
            reloaded.AdditionalProperties = new AdditionalPropertiesDictionary { [PathProperty] = path };
            return reloaded;
        }

        // The file is gone or changed: the history says what was attached instead of sending something else.
        return new TextContent(NotKeptText(mediaType, name ?? path, size, sha256))
        {
            AdditionalProperties = new AdditionalPropertiesDictionary { [MissingAttachmentProperty] = true },
        };
    }

    /// <summary>The text standing in for an attachment the history kept only as a reference, when its file is gone or changed.</summary>
    public static string NotKeptText(string mediaType, string? name, long size, string sha256) =>
        string.Create(CultureInfo.InvariantCulture,
            $"[{AttachmentKind(mediaType)} not kept: {name ?? "unnamed"}, {mediaType}, {size} bytes, sha256 {sha256}; the file is gone or changed]");

    /// <summary><c>image</c> for an image media type, else <c>file</c>.</summary>
    public static string AttachmentKind(string? mediaType) =>
        mediaType is not null && mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? "image" : "file";

    private static byte[]? TryReload(string path, long size, string sha256)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.Length != size)
            {
                return null;
            }

            var bytes = File.ReadAllBytes(path);
            return string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), sha256, StringComparison.Ordinal) ? bytes : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
