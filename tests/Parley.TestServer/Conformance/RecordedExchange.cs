// Read recorded traffic from shared/fixtures for both conformance suites (library and CLI).
// are the same file apart from the namespace (the test projects share no source; SharedSourceTests checks the copies).

using System.Text.Json;

namespace Parley.TestServer.Conformance;

/// <summary>
/// One recorded chat-completions exchange with a successful (text, tool-call or refusal) answer:
/// <c>NAME.request.json</c> (optional), <c>NAME.http.json</c> (optional) and <c>NAME.response.json</c> or <c>.sse</c>.
/// </summary>
public sealed record RecordedExchange
{
    /// <summary>The fixture's path relative to the fixture root, without extension (<c>2_openai_stream/nr_gpt-5.1_stream_no_usage</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The absolute base path (what <c>ScriptedResponse.FromFixture</c> takes).</summary>
    public required string BasePath { get; init; }

    /// <summary>
    /// Whether the recorded request streamed: <c>stream</c> of <c>NAME.request.json</c>; without a request file, whether
    /// the body is an event stream.
    /// </summary>
    public required bool Streaming { get; init; }

    /// <summary>Whether the recorded body is <c>text/event-stream</c>.</summary>
    public required bool SseBody { get; init; }

    /// <summary>The recorded request's <c>model</c>, when known.</summary>
    public string? RequestModel { get; init; }

    /// <summary>The raw recorded body.</summary>
    public required string Body { get; init; }

    /// <summary>What the body says the answer is.</summary>
    public required RecordedAnswer Answer { get; init; }

    public static RecordedExchange Load(string root, string id)
    {
        var basePath = Path.Combine(root, id);
        var sse = File.Exists(basePath + ".response.sse");
        var body = File.ReadAllText(sse ? basePath + ".response.sse" : basePath + ".response.json");
        bool? requestStream = null;
        string? model = null;
        if (File.Exists(basePath + ".request.json"))
        {
            using var request = JsonDocument.Parse(File.ReadAllText(basePath + ".request.json"));
            if (request.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (request.RootElement.TryGetProperty("stream", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    requestStream = s.GetBoolean();
                }

                if (request.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    model = m.GetString();
                }
            }
        }
        else
        {
            requestStream = sse;
        }

        return new RecordedExchange
        {
            Id = id,
            BasePath = basePath,
            Streaming = requestStream ?? false,
            SseBody = sse,
            RequestModel = model,
            Body = body,
            Answer = sse ? RecordedAnswer.FromSse(body) : RecordedAnswer.FromJson(body),
        };
    }

    public override string ToString() => Id;
}
