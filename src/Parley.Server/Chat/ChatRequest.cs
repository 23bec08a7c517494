using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// A chat completion request, parsed once: the raw body (forwarded byte for byte), the fields Parley reads and the
/// messages as <see cref="ChatMessage"/>s for counting and saving.
/// </summary>
internal sealed class ChatRequest : IDisposable
{
    private readonly JsonDocument _document;

    private ChatRequest(byte[] body, JsonDocument document, string model, bool stream, bool includeUsage, long? maxTokens, IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        Options = options;
        Body = body;
        _document = document;
        Model = model;
        Stream = stream;
        IncludeUsage = includeUsage;
        MaxTokens = maxTokens;
        Messages = messages;
    }

    /// <summary>The body as the client sent it.</summary>
    public byte[] Body { get; }

    /// <summary>The model as the client named it (<c>provider:model</c>, an alias, or a model id).</summary>
    public string Model { get; }

    public bool Stream { get; }

    /// <summary>True when the client asked for the usage chunk (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage { get; }

    /// <summary><c>max_completion_tokens</c>, else <c>max_tokens</c>; null when neither is set.</summary>
    public long? MaxTokens { get; }

    /// <summary>The messages as the client sent them: text, image and file parts, tool calls and tool results.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>The tools offered and the response format asked for, counted with the prompt (null: neither).</summary>
    public ChatOptions? Options { get; }

    /// <summary>The body's <c>metadata</c> object, if any.</summary>
    public JsonElement? Metadata =>
        _document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? metadata : null;

    /// <summary>Parses <paramref name="body"/>, or returns the 400 error that describes what is wrong with it.</summary>
    public static ChatRequest? TryParse(byte[] body, out GatewayError? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            error = GatewayErrors.InvalidJson($"invalid JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}.");
            return null;
        }

        try
        {
            var request = Read(body, document, out error);
            if (request is not null)
            {
                return request;
            }
        }
        catch (FormatException e)
        {
            error = GatewayErrors.InvalidBody(e.Message, "messages");
        }

        document.Dispose();
        return null;
    }

    private static ChatRequest? Read(byte[] body, JsonDocument document, out GatewayError? error)
    {
        var root = document.RootElement;
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = GatewayErrors.InvalidJson("the body must be a JSON object.");
            return null;
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(model.GetString()))
        {
            error = GatewayErrors.InvalidBody("you must provide a model parameter.", "model");
            return null;
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            error = GatewayErrors.InvalidBody("'messages' must be a non-empty array.", "messages");
            return null;
        }

        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var usage) && usage.ValueKind == JsonValueKind.True;
        long? maxTokens = Limit(root, "max_completion_tokens") ?? Limit(root, "max_tokens");
        var parsed = RequestContent.Enrich(OpenAIMessageFormat.Parse(messages, "request"), messages);
        return new ChatRequest(body, document, model.GetString()!, stream, includeUsage, maxTokens, parsed, RequestContent.Options(root));
    }

    private static long? Limit(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n > 0 ? n : null;

    public void Dispose() => _document.Dispose();
}
