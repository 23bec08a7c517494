using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>What came back from upstream, gathered while it is passed on: the answer's text, why it stopped, usage and cost.</summary>
internal sealed class ExchangeResult
{
    private readonly StringBuilder _text = new();
    private readonly SortedDictionary<int, ToolCallPieces> _toolCalls = [];

    public string Text => _text.ToString();

    public string? FinishReason { get; private set; }

    public string? ResponseModel { get; private set; }

    public UsageDetails? Usage { get; set; }

    public decimal? CostUsd { get; set; }

    public TimeSpan? TimeToFirstToken { get; set; }

    public TurnStatus Status { get; set; } = TurnStatus.Complete;

    public string? Error { get; set; }

    /// <summary>Gets or sets what is held back until the turn is saved (named conversations): a non-streaming answer, or a stream's closing events; or null.</summary>
    public ReadOnlyMemory<byte>? HeldAnswer { get; set; }

    /// <summary>Reads a completion (<c>message</c>) or a chunk (<c>delta</c>): the first choice's text and finish reason, and the model.</summary>
    /// <returns>True when it carried answer text.</returns>
    public bool Read(JsonElement root, bool chunk)
    {
        if (ResponseModel is null && root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            ResponseModel = model.GetString();
        }

        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return false;
        }

        var choice = choices[0];
        if (choice.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            FinishReason = finish.GetString();
        }

        if (choice.TryGetProperty(chunk ? "delta" : "message", out var calling) && calling.ValueKind == JsonValueKind.Object
            && calling.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            ReadToolCalls(calls);
        }

        if (choice.TryGetProperty(chunk ? "delta" : "message", out var message) && message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            var text = content.GetString();
            if (!string.IsNullOrEmpty(text))
            {
                _text.Append(text);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The answer as the conversation saves it: its text and the tool calls the model asked for (a client runs them and
    /// sends their results in its next turn); null when it carried neither.
    /// </summary>
    public ChatMessage? Answer()
    {
        if (_toolCalls.Count == 0)
        {
            return _text.Length == 0 ? null : new ChatMessage(ChatRole.Assistant, Text);
        }

        // Assembled as the OpenAI message the pieces make, then read as any message is (one reader of tool_calls).
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("role", "assistant");
            if (_text.Length > 0)
            {
                json.WriteString("content", Text);
            }
            else
            {
                json.WriteNull("content");
            }

            json.WriteStartArray("tool_calls");
            foreach (var call in _toolCalls.Values)
            {
                json.WriteStartObject();
                json.WriteString("id", call.Id ?? string.Empty);
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", call.Name ?? string.Empty);
                json.WriteString("arguments", call.Arguments.ToString());
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return Parley.Hosting.OpenAIMessageFormat.ParseMessage(document.RootElement, "the answer");
    }

    // A completion lists its calls whole; a stream sends each call's id and name once and its arguments in pieces, by index.
    private void ReadToolCalls(JsonElement calls)
    {
        var position = 0;
        foreach (var call in calls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : position;
            position++;
            if (!_toolCalls.TryGetValue(index, out var pieces))
            {
                _toolCalls[index] = pieces = new ToolCallPieces();
            }

            pieces.Id ??= call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            if (call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                pieces.Name ??= function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
                if (function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String)
                {
                    pieces.Arguments.Append(arguments.GetString());
                }
            }
        }
    }

    private sealed class ToolCallPieces
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
