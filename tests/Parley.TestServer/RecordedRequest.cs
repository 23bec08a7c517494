using System.Text.Json;

namespace Parley.TestServer;

/// <summary>One HTTP request as the <see cref="LoopbackServer"/> received it, recorded before it answered.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(string method, string path, IReadOnlyDictionary<string, string> headers, string body, DateTimeOffset receivedAt)
    {
        Method = method;
        Path = path;
        Headers = headers;
        Body = body;
        ReceivedAt = receivedAt;
        Json = TryParse(body);

        var messages = new List<(string Role, string Content)>();
        if (Json is { ValueKind: JsonValueKind.Object } root)
        {
            Model = root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null;

            var isOllamaChat = path.StartsWith("/api/chat", StringComparison.Ordinal);
            Stream = root.TryGetProperty("stream", out var stream)
                ? stream.ValueKind == JsonValueKind.True
                : isOllamaChat;

            IncludeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;

            MaxTokens = ReadInt(root, "max_tokens") ?? ReadInt(root, "max_completion_tokens");
            if (root.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object)
            {
                NumCtx = ReadInt(options, "num_ctx");
                MaxTokens ??= ReadInt(options, "num_predict");
            }

            if (root.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var m in list.EnumerateArray())
                {
                    if (m.ValueKind != JsonValueKind.Object)
                        continue;
                    var role = m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? "" : "";
                    var content = m.TryGetProperty("content", out var c) ? FlattenContent(c) : "";
                    messages.Add((role, content));
                }
            }
        }
        Messages = messages;
    }

    /// <summary>HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Path plus query string, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Request headers (case-insensitive names; repeated values joined with <c>", "</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body as UTF-8 text (empty when there was none).</summary>
    public string Body { get; }

    /// <summary>The body parsed as JSON, or null when it is not valid JSON.</summary>
    public JsonElement? Json { get; }

    /// <summary>When the server received the request.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary><c>model</c> from the JSON body.</summary>
    public string? Model { get; }

    /// <summary><c>stream</c> from the JSON body; on Ollama's <c>/api/chat</c> a missing flag means true.</summary>
    public bool Stream { get; }

    /// <summary><c>stream_options.include_usage</c> from the JSON body.</summary>
    public bool IncludeUsage { get; }

    /// <summary><c>max_tokens</c>, else <c>max_completion_tokens</c>, else Ollama's <c>options.num_predict</c>.</summary>
    public int? MaxTokens { get; }

    /// <summary>Ollama's <c>options.num_ctx</c>.</summary>
    public int? NumCtx { get; }

    /// <summary>
    /// <c>messages</c> as (role, content); array-of-parts content is flattened to its text parts joined by <c>"\n"</c>,
    /// null content (e.g. an assistant tool call) becomes "".
    /// </summary>
    public IReadOnlyList<(string Role, string Content)> Messages { get; }

    /// <summary>
    /// The prompt's size as the server counts it (words of all message contents + 3 per message + 3): what
    /// <see cref="LoopbackServer.ContextWindow"/> is checked against.
    /// </summary>
    public int PromptSize => Words.PromptSize(Messages);

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path} ({Body.Length} chars)";

    private static JsonElement? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int? ReadInt(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static string FlattenContent(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString() ?? "";
            case JsonValueKind.Array:
                var texts = new List<string>();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.String)
                        texts.Add(part.GetString() ?? "");
                    else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                        texts.Add(t.GetString() ?? "");
                }
                return string.Join("\n", texts);
            default:
                return "";
        }
    }
}
