// Read recorded traffic from shared/fixtures for both conformance suites (library and CLI).
// are the same file apart from the namespace (the test projects share no source; SharedSourceTests checks the copies).

using System.Text;
using System.Text.Json;

namespace Parley.TestServer.Conformance;

/// <summary>Token counts exactly as a recorded body states them (null: the body does not report that count).</summary>
public sealed record RecordedUsage(long? Prompt, long? Completion, long? Total, long? Cached, long? Reasoning)
{
    public static RecordedUsage Read(JsonElement usage) => new(
        Number(usage, "prompt_tokens"),
        Number(usage, "completion_tokens"),
        Number(usage, "total_tokens"),
        usage.TryGetProperty("prompt_tokens_details", out var input) && input.ValueKind == JsonValueKind.Object ? Number(input, "cached_tokens") : null,
        usage.TryGetProperty("completion_tokens_details", out var output) && output.ValueKind == JsonValueKind.Object ? Number(output, "reasoning_tokens") : null);

    private static long? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}

/// <summary>
/// What a recorded response body says the answer is, read by the test itself (never hard-coded per fixture):
/// choice 0's content (streams: the concatenated <c>delta.content</c>), its refusal, its last non-null
/// <c>finish_reason</c>, the usage object (streams: the <c>include_usage</c> chunk), the model and the id.
/// </summary>
public sealed record RecordedAnswer
{
    public required string Content { get; init; }

    /// <summary><c>message.refusal</c> / concatenated <c>delta.refusal</c> of choice 0 (null when none).</summary>
    public string? Refusal { get; init; }

    public string? FinishReason { get; init; }

    public string? Model { get; init; }

    public string? Id { get; init; }

    public RecordedUsage? Usage { get; init; }

    public bool HasToolCalls { get; init; }

    /// <summary>How many choices the body holds (<c>n</c>).</summary>
    public int Choices { get; init; } = 1;

    /// <summary>Streams: whether the body ends with <c>data: [DONE]</c>.</summary>
    public bool Done { get; init; }

    /// <summary>
    /// The finish reason as Microsoft.Extensions.AI names it. MEAI's <c>ChatFinishReason</c> has no
    /// <c>function_call</c>: the legacy reason is the tool-call reason (<c>tool_calls</c>), and Parley reports it so.
    /// </summary>
    public string? ExpectedFinishReason => FinishReason == "function_call" ? "tool_calls" : FinishReason;

    /// <summary>
    /// The text Parley shows and keeps for this answer: the content, or — for a refusal, which arrives in <c>refusal</c>
    /// with <c>content</c> null — the refusal text (<c>ChatTurn.Text</c>, the assistant message in the history, stdout
    /// and <c>--json</c>'s <c>content</c>). The finish reason (<c>stop</c>) and usage are reported as for any answer.
    /// </summary>
    public string ExpectedText => Content.Length == 0 && Refusal is { } refusal ? refusal : Content;

    /// <summary>Reads a <c>chat.completion</c> JSON body.</summary>
    public static RecordedAnswer FromJson(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var choices = root.GetProperty("choices");
        var choice = choices.EnumerateArray().First(c => c.GetProperty("index").GetInt32() == 0);
        var message = choice.GetProperty("message");
        return new RecordedAnswer
        {
            Content = String(message, "content") ?? string.Empty,
            Refusal = String(message, "refusal"),
            FinishReason = String(choice, "finish_reason"),
            Model = String(root, "model"),
            Id = String(root, "id"),
            Usage = root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object ? RecordedUsage.Read(usage) : null,
            HasToolCalls = HasItems(message, "tool_calls") || (message.TryGetProperty("function_call", out var fc) && fc.ValueKind == JsonValueKind.Object),
            Choices = choices.GetArrayLength(),
        };
    }

    /// <summary>Reads a <c>text/event-stream</c> body of <c>chat.completion.chunk</c> events.</summary>
    public static RecordedAnswer FromSse(string body)
    {
        var content = new StringBuilder();
        StringBuilder? refusal = null;
        string? finish = null, model = null, id = null;
        RecordedUsage? usage = null;
        var toolCalls = false;
        var done = false;
        var indexes = new HashSet<int>();
        foreach (var data in SseEvents.Data(body))
        {
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            model = String(root, "model") ?? model;
            id = String(root, "id") ?? id;
            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = RecordedUsage.Read(u);
            }

            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var choice in choices.EnumerateArray())
            {
                var index = choice.GetProperty("index").GetInt32();
                indexes.Add(index);
                if (index != 0)
                {
                    continue;
                }

                if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
                {
                    content.Append(String(delta, "content"));
                    if (String(delta, "refusal") is { } r)
                    {
                        (refusal ??= new StringBuilder()).Append(r);
                    }

                    toolCalls |= HasItems(delta, "tool_calls") || (delta.TryGetProperty("function_call", out var fc) && fc.ValueKind == JsonValueKind.Object);
                }

                finish = String(choice, "finish_reason") ?? finish;
            }
        }

        return new RecordedAnswer
        {
            Content = content.ToString(),
            Refusal = refusal?.ToString() is { Length: > 0 } text ? text : null,
            FinishReason = finish,
            Model = model,
            Id = id,
            Usage = usage,
            HasToolCalls = toolCalls,
            Choices = Math.Max(1, indexes.Count),
            Done = done,
        };
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool HasItems(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0;
}
