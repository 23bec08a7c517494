using System.Globalization;

namespace Parley.TestServer;

/// <summary>
/// One scripted answer to a chat request (<c>/v1/chat/completions</c> or Ollama's <c>/api/chat</c>), queued with
/// <see cref="LoopbackServer.Enqueue"/>. Immutable: every <c>With…</c> method returns a changed copy.
/// </summary>
public sealed class ScriptedResponse
{
    private ScriptedResponse(ResponseKind kind) => Kind = kind;

    internal ResponseKind Kind { get; }

    // Text and Many
    internal string Content { get; private set; } = "";
    internal IReadOnlyList<string>? Chunks { get; private set; }
    internal string FinishReason { get; private set; } = "stop";
    internal int? PromptTokens { get; private set; }
    internal int? CompletionTokens { get; private set; }
    internal int? CachedTokens { get; private set; }
    internal int? ReasoningTokens { get; private set; }
    internal string? Model { get; private set; }
    internal int ManyCount { get; private set; }
    internal bool IsRefusal { get; private set; }
    internal IReadOnlyList<string>? Reasoning { get; private set; }
    internal IReadOnlyList<ToolCall>? Calls { get; private set; }

    // Error, Raw, Replay
    internal int Status { get; private set; } = 200;
    internal string ErrorMessage { get; private set; } = "";
    internal string? ErrorType { get; private set; }
    internal string? ErrorCode { get; private set; }
    internal string? ErrorParam { get; private set; }
    internal string? ContentType { get; private set; }
    internal string Body { get; private set; } = "";
    internal IReadOnlyList<KeyValuePair<string, string>> Headers { get; private set; } = [];

    // Timing and faults
    internal TimeSpan Delay { get; private set; }
    internal TimeSpan ChunkDelay { get; private set; }
    internal int? DropAfter { get; private set; }
    internal int? StallAfter { get; private set; }
    internal Task? HoldRelease { get; private set; }
    internal int? MalformedAfter { get; private set; }
    internal int? StreamErrorAfter { get; private set; }
    internal string StreamErrorMessage { get; private set; } = "";
    internal string? StreamErrorCode { get; private set; }
    internal bool Reset { get; private set; }

    /// <summary>
    /// An assistant reply, served as <c>chat.completion</c> JSON or as SSE <c>chat.completion.chunk</c> frames
    /// (one content chunk per word, unless <see cref="WithChunks"/>) according to the request's <c>stream</c> flag;
    /// on <c>/api/chat</c> as Ollama JSON / NDJSON. Null token counts are computed from words like the default reply.
    /// <paramref name="model"/> null echoes the request's model.
    /// </summary>
    public static ScriptedResponse Text(
        string content,
        string finishReason = "stop",
        int? promptTokens = null,
        int? completionTokens = null,
        int? cachedTokens = null,
        int? reasoningTokens = null,
        string? model = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(finishReason);
        return new ScriptedResponse(ResponseKind.Text)
        {
            Content = content,
            FinishReason = finishReason,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            CachedTokens = cachedTokens,
            ReasoningTokens = reasoningTokens,
            Model = model,
        };
    }

    /// <summary>
    /// A refusal, as OpenAI sends one when the model declines (safety, structured outputs): <c>message.content</c> null
    /// and <c>message.refusal</c> the text, or SSE chunks whose <c>delta.refusal</c> carries the text (one chunk per word,
    /// unless <see cref="WithChunks"/>) after a role chunk with <c>content: null, refusal: ""</c> — the shapes recorded in
    /// <c>shared/fixtures</c>. Token counts default as for <see cref="Text"/>. Ollama routes have no refusal field: there
    /// the text is served as content.
    /// </summary>
    public static ScriptedResponse Refusal(string refusal, int? promptTokens = null, int? completionTokens = null, string? model = null) =>
        Text(refusal, "stop", promptTokens, completionTokens, model: model).With(r => r.IsRefusal = true);

    /// <summary>
    /// An assistant message that calls tools (finish reason <c>tool_calls</c>, <c>content: null</c>), as OpenAI sends
    /// parallel calls (the shapes in <c>shared/fixtures</c>): one <c>message.tool_calls</c> array, or when streaming one
    /// chunk per call carrying its index, id, name and arguments. completion_tokens defaults to 10 per call.
    /// </summary>
    public static ScriptedResponse ToolCalls(params ToolCall[] calls) => ToolCalls(null, calls);

    /// <summary><see cref="ToolCalls(ToolCall[])"/> reporting <paramref name="promptTokens"/> (null: counted from words).</summary>
    public static ScriptedResponse ToolCalls(int? promptTokens, params ToolCall[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentOutOfRangeException.ThrowIfZero(calls.Length);
        return Text("", "tool_calls", promptTokens, completionTokens: 10 * calls.Length).With(r => r.Calls = [.. calls]);
    }

    /// <summary>
    /// A stream of <paramref name="chunkCount"/> content chunks each carrying <paramref name="piece"/>, written as fast
    /// as possible with few flushes (for benchmarks). Non-streaming requests get the concatenation as one reply.
    /// completion_tokens defaults to <paramref name="chunkCount"/>.
    /// </summary>
    public static ScriptedResponse Many(int chunkCount, string piece = "x")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkCount);
        ArgumentNullException.ThrowIfNull(piece);
        return new ScriptedResponse(ResponseKind.Many) { ManyCount = chunkCount, Content = piece, CompletionTokens = chunkCount };
    }

    /// <summary>
    /// An OpenAI error: status <paramref name="status"/> and body <c>{"error":{"message","type","param","code"}}</c>
    /// (on Ollama routes <c>{"error":"message"}</c>). <paramref name="type"/> defaults from the status
    /// (<c>invalid_request_error</c>, 429 <c>requests</c>, 5xx <c>server_error</c>).
    /// </summary>
    public static ScriptedResponse Error(int status, string message, string? type = null, string? code = null, string? param = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentNullException.ThrowIfNull(message);
        return new ScriptedResponse(ResponseKind.Error)
        {
            Status = status,
            ErrorMessage = message,
            ErrorType = type ?? DefaultErrorType(status),
            ErrorCode = code,
            ErrorParam = param,
        };
    }

    /// <summary>
    /// 429 <c>rate_limit_exceeded</c> with OpenAI's wording and headers <c>retry-after</c> (whole seconds, rounded up),
    /// <c>retry-after-ms</c> and <c>x-ratelimit-*</c>.
    /// </summary>
    public static ScriptedResponse RateLimited(double retryAfterSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retryAfterSeconds);
        var wait = FormatDuration(retryAfterSeconds);
        return Error(
                429,
                $"Rate limit reached for {ModelPlaceholder} in organization org-loopback on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in {wait}. Visit https://platform.openai.com/account/rate-limits to learn more.",
                type: "tokens",
                code: "rate_limit_exceeded")
            .WithHeader("retry-after", Math.Ceiling(retryAfterSeconds).ToString(CultureInfo.InvariantCulture))
            .WithHeader("retry-after-ms", Math.Round(retryAfterSeconds * 1000).ToString(CultureInfo.InvariantCulture))
            .WithHeader("x-ratelimit-limit-requests", "10000")
            .WithHeader("x-ratelimit-limit-tokens", "30000")
            .WithHeader("x-ratelimit-remaining-requests", "9999")
            .WithHeader("x-ratelimit-remaining-tokens", "0")
            .WithHeader("x-ratelimit-reset-requests", "6ms")
            .WithHeader("x-ratelimit-reset-tokens", wait);
    }

    /// <summary>429 <c>insufficient_quota</c> with OpenAI's wording (not retryable).</summary>
    public static ScriptedResponse InsufficientQuota() =>
        Error(429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota");

    /// <summary>400 <c>context_length_exceeded</c> with OpenAI's wording.</summary>
    public static ScriptedResponse ContextLengthExceeded(int limit, int actual) =>
        Error(400, ContextLengthMessage(limit, actual), "invalid_request_error", "context_length_exceeded", "messages");

    /// <summary>A 5xx <c>server_error</c> with OpenAI's wording (503: "model is currently overloaded").</summary>
    public static ScriptedResponse ServerError(int status = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 500);
        var message = status == 503
            ? "That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists."
            : "The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error.";
        return Error(status, message, "server_error");
    }

    /// <summary>Status, content type and body sent as given (SSE and NDJSON bodies are flushed frame by frame).</summary>
    public static ScriptedResponse Raw(int status, string contentType, string body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(body);
        return new ScriptedResponse(ResponseKind.Raw) { Status = status, ContentType = contentType, Body = body };
    }

    /// <summary>
    /// A recorded exchange: status, headers (Content-Type among them; hop-by-hop headers such as Content-Length and
    /// Transfer-Encoding are dropped) and body exactly as given. A <c>text/event-stream</c> body is flushed at each
    /// <c>\n\n</c> frame boundary, an NDJSON body at each line.
    /// </summary>
    public static ScriptedResponse Replay(int status, IReadOnlyDictionary<string, string> headers, string body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        string? contentType = null;
        var kept = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in headers)
        {
            if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
                contentType = value;
            else if (!HopByHop.Contains(name))
                kept.Add(new(name, value));
        }
        return new ScriptedResponse(ResponseKind.Raw)
        {
            Status = status,
            ContentType = contentType ?? "application/json",
            Body = body,
            Headers = kept,
        };
    }

    /// <summary>
    /// Replays a recorded fixture: <c>{basePath}.http.json</c> (status and response headers; optional) and the body from
    /// <c>{basePath}.response.sse</c>, <c>.response.ndjson</c> or <c>.response.json</c>.
    /// </summary>
    public static ScriptedResponse FromFixture(string basePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        return FixtureFile.Load(basePath);
    }

    /// <summary>Adds a response header (e.g. <c>retry-after</c>, <c>x-ratelimit-remaining-requests</c>).</summary>
    public ScriptedResponse WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return With(r => r.Headers = [.. r.Headers, new(name, value)]);
    }

    /// <summary>Sets the streamed content chunks; the reply's content becomes their concatenation.</summary>
    public ScriptedResponse WithChunks(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        RequireKind(ResponseKind.Text);
        return With(r =>
        {
            r.Chunks = [.. parts];
            r.Content = string.Concat(parts);
        });
    }

    /// <summary>Waits this long before sending the status line and headers.</summary>
    public ScriptedResponse WithDelay(TimeSpan delay) => With(r => r.Delay = NonNegative(delay));

    /// <summary>
    /// Reasoning before the answer, in the shapes servers stream it: OpenAI-compatible chunks with
    /// <c>delta.reasoning_content</c> (vLLM, DeepSeek) after the role chunk, or <c>message.reasoning_content</c> in a
    /// complete response; Ollama lines with <c>message.thinking</c>, or <c>message.thinking</c> in a complete response.
    /// One chunk per piece given.
    /// </summary>
    public ScriptedResponse WithReasoning(params string[] pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        return With(r => r.Reasoning = [.. pieces]);
    }

    /// <summary>Waits this long between stream frames (SSE events, NDJSON lines).</summary>
    public ScriptedResponse WithChunkDelay(TimeSpan delay) => With(r => r.ChunkDelay = NonNegative(delay));

    /// <summary>
    /// Drops the connection after <paramref name="contentChunks"/> content frames: the frames sent so far are delivered,
    /// then the connection closes mid-body (no finish chunk, no <c>[DONE]</c>, no final HTTP chunk), so the client's read
    /// fails with "response ended prematurely". A non-streaming reply is cut in the middle of its body.
    /// </summary>
    public ScriptedResponse DropAfterChunks(int contentChunks) => With(r => r.DropAfter = NonNegative(contentChunks));

    /// <summary>
    /// Sends <paramref name="contentChunks"/> content frames, then keeps the connection open without sending anything
    /// until the client goes away or the server is disposed. A non-streaming reply stalls after its headers.
    /// </summary>
    public ScriptedResponse StallAfterChunks(int contentChunks) => With(r => r.StallAfter = NonNegative(contentChunks));

    /// <summary>
    /// Sends (and flushes) the first content frame, then waits for <paramref name="release"/> before sending the rest.
    /// A non-streaming reply waits before its headers.
    /// </summary>
    public ScriptedResponse HoldAfterFirstChunk(Task release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return With(r => r.HoldRelease = release);
    }

    /// <summary>
    /// Injects a <c>data:</c> line with invalid JSON after <paramref name="afterChunks"/> content frames; the stream then
    /// goes on normally. A non-streaming reply gets a truncated (invalid) JSON body.
    /// </summary>
    public ScriptedResponse WithMalformedChunk(int afterChunks = 1) => With(r => r.MalformedAfter = NonNegative(afterChunks));

    /// <summary>
    /// After <paramref name="afterChunks"/> content frames sends <c>data: {"error":{...}}</c> (Ollama: <c>{"error":"..."}</c>)
    /// and ends the response without finish chunk or <c>[DONE]</c>. Streaming requests only.
    /// </summary>
    public ScriptedResponse WithStreamError(string message, string? code = null, int afterChunks = 1)
    {
        ArgumentNullException.ThrowIfNull(message);
        return With(r =>
        {
            r.StreamErrorAfter = NonNegative(afterChunks);
            r.StreamErrorMessage = message;
            r.StreamErrorCode = code;
        });
    }

    /// <summary>Aborts the connection before any response byte is sent.</summary>
    public ScriptedResponse ResetConnection() => With(r => r.Reset = true);

    /// <summary>A scripted response that only resets the connection.</summary>
    public static ScriptedResponse ConnectionReset() => Text("").ResetConnection();

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ResponseKind.Error => $"Error {Status} {ErrorCode ?? ErrorType}",
        ResponseKind.Raw => $"Raw {Status} {ContentType}",
        ResponseKind.Many => $"Many {ManyCount} x \"{Content}\"",
        _ when IsRefusal => $"Refusal \"{Content}\"",
        _ => $"Text \"{Content}\"",
    };

    internal const string ModelPlaceholder = "{model}";

    internal static string ContextLengthMessage(int limit, int actual) =>
        $"This model's maximum context length is {limit} tokens. However, your messages resulted in {actual} tokens. Please reduce the length of the messages.";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding", "date", "server", "alt-svc",
    };

    private static string DefaultErrorType(int status) => status switch
    {
        429 => "requests",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private static string FormatDuration(double seconds) => seconds < 1
        ? Math.Round(seconds * 1000).ToString(CultureInfo.InvariantCulture) + "ms"
        : Math.Round(seconds, 3).ToString(CultureInfo.InvariantCulture) + "s";

    private void RequireKind(ResponseKind kind)
    {
        if (Kind != kind)
            throw new InvalidOperationException($"This method applies to {kind} responses, not {Kind}.");
    }

    private ScriptedResponse With(Action<ScriptedResponse> change)
    {
        var copy = (ScriptedResponse)MemberwiseClone();
        change(copy);
        return copy;
    }

    private static TimeSpan NonNegative(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        return value;
    }

    private static int NonNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }
}
