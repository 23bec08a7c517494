using System.Text.Json;

namespace Parley.TestServer;

/// <summary>
/// Scripting over HTTP for a server in another process (standalone mode), under <c>/_loopback/</c>. These requests are
/// not recorded. Body of <c>POST /_loopback/enqueue</c>: one object or an array of objects, snake_case, e.g.
/// <c>{"type":"many","count":100000,"piece":"x"}</c>, <c>{"type":"text","content":"Hi","chunks":["H","i"]}</c>,
/// <c>{"type":"error","status":500,"message":"boom"}</c>, <c>{"type":"rate_limited","retry_after":1.5}</c>,
/// <c>{"type":"insufficient_quota"}</c>, <c>{"type":"context_length_exceeded","limit":10,"actual":20}</c>,
/// <c>{"type":"server_error","status":503}</c>, <c>{"type":"raw","status":200,"content_type":"text/plain","body":"x"}</c>;
/// any of them with <c>headers</c>, <c>delay_ms</c>, <c>chunk_delay_ms</c>, <c>drop_after</c>, <c>stall_after</c>,
/// <c>malformed_after</c>, <c>stream_error</c> (<c>{"message","code","after"}</c>), <c>reset</c>, <c>times</c>.
/// </summary>
internal static class ControlApi
{
    public const string Prefix = "/_loopback/";

    public static List<ScriptedResponse> ParseEnqueue(JsonElement root)
    {
        var result = new List<ScriptedResponse>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in root.EnumerateArray())
                result.AddRange(ParseOne(item));
        }
        else
        {
            result.AddRange(ParseOne(root));
        }
        return result;
    }

    public static byte[] RequestsJson(IReadOnlyList<RecordedRequest> requests) => JsonBytes.Build(w =>
    {
        w.WriteStartArray();
        foreach (var r in requests)
        {
            w.WriteStartObject();
            w.WriteString("method", r.Method);
            w.WriteString("path", r.Path);
            w.WriteStartObject("headers");
            foreach (var (name, value) in r.Headers)
                w.WriteString(name, value);
            w.WriteEndObject();
            w.WriteString("body", r.Body);
            w.WriteString("received_at", r.ReceivedAt);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }, indented: true);

    private static IEnumerable<ScriptedResponse> ParseOne(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new FormatException("each scripted response must be a JSON object");

        var type = String(e, "type") ?? "text";
        var response = type switch
        {
            "text" => ScriptedResponse.Text(
                String(e, "content") ?? "",
                String(e, "finish_reason") ?? "stop",
                Int(e, "prompt_tokens"),
                Int(e, "completion_tokens"),
                Int(e, "cached_tokens"),
                Int(e, "reasoning_tokens"),
                String(e, "model")),
            "refusal" => ScriptedResponse.Refusal(
                String(e, "content") ?? "",
                Int(e, "prompt_tokens"),
                Int(e, "completion_tokens"),
                String(e, "model")),
            "many" => ScriptedResponse.Many(Int(e, "count") ?? throw Missing("count"), String(e, "piece") ?? "x"),
            "error" => ScriptedResponse.Error(
                Int(e, "status") ?? throw Missing("status"),
                String(e, "message") ?? "",
                String(e, "error_type"),
                String(e, "code"),
                String(e, "param")),
            "rate_limited" => ScriptedResponse.RateLimited(Double(e, "retry_after") ?? 1),
            "insufficient_quota" => ScriptedResponse.InsufficientQuota(),
            "context_length_exceeded" => ScriptedResponse.ContextLengthExceeded(Int(e, "limit") ?? throw Missing("limit"), Int(e, "actual") ?? throw Missing("actual")),
            "server_error" => ScriptedResponse.ServerError(Int(e, "status") ?? 500),
            "tool_calls" => ScriptedResponse.ToolCalls(Int(e, "prompt_tokens"), [.. Calls(e)]),
            "raw" => ScriptedResponse.Raw(Int(e, "status") ?? 200, String(e, "content_type") ?? "application/json", String(e, "body") ?? ""),
            _ => throw new FormatException($"unknown type '{type}'"),
        };

        if (e.TryGetProperty("chunks", out var chunks) && chunks.ValueKind == JsonValueKind.Array)
            response = response.WithChunks([.. chunks.EnumerateArray().Select(c => c.GetString() ?? "")]);
        if (e.TryGetProperty("reasoning", out var reasoning) && reasoning.ValueKind == JsonValueKind.Array)
            response = response.WithReasoning([.. reasoning.EnumerateArray().Select(c => c.GetString() ?? "")]);
        if (e.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
        {
            foreach (var h in headers.EnumerateObject())
                response = response.WithHeader(h.Name, h.Value.ValueKind == JsonValueKind.String ? h.Value.GetString()! : h.Value.GetRawText());
        }
        if (Int(e, "delay_ms") is int delay)
            response = response.WithDelay(TimeSpan.FromMilliseconds(delay));
        if (Int(e, "chunk_delay_ms") is int chunkDelay)
            response = response.WithChunkDelay(TimeSpan.FromMilliseconds(chunkDelay));
        if (Int(e, "drop_after") is int drop)
            response = response.DropAfterChunks(drop);
        if (Int(e, "stall_after") is int stall)
            response = response.StallAfterChunks(stall);
        if (Int(e, "malformed_after") is int malformed)
            response = response.WithMalformedChunk(malformed);
        if (e.TryGetProperty("stream_error", out var se) && se.ValueKind == JsonValueKind.Object)
            response = response.WithStreamError(String(se, "message") ?? "", String(se, "code"), Int(se, "after") ?? 1);
        if (e.TryGetProperty("reset", out var reset) && reset.ValueKind == JsonValueKind.True)
            response = response.ResetConnection();

        var times = Int(e, "times") ?? 1;
        return Enumerable.Repeat(response, Math.Max(0, times));
    }

    private static FormatException Missing(string name) => new($"'{name}' is required");

    // "calls": [{"id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}]
    private static IEnumerable<ToolCall> Calls(JsonElement e) =>
        e.TryGetProperty("calls", out var calls) && calls.ValueKind == JsonValueKind.Array
            ? calls.EnumerateArray().Select(c => new ToolCall(String(c, "id") ?? throw Missing("calls[].id"), String(c, "name") ?? throw Missing("calls[].name"), String(c, "arguments") ?? "{}"))
            : throw Missing("calls");

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static double? Double(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
