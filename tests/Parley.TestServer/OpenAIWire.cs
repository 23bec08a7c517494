using System.Text;
using System.Text.Json;

namespace Parley.TestServer;

/// <summary>OpenAI Chat Completions payloads: <c>chat.completion</c>, <c>chat.completion.chunk</c> SSE frames, error bodies.</summary>
internal sealed class OpenAIWire(string id, long created, string model, bool includeUsage)
{
    public const string Fingerprint = "fp_loopback0";

    public static readonly byte[] Done = Encoding.UTF8.GetBytes("data: [DONE]\n\n");

    /// <summary>The first chunk; a refusal's has <c>content: null, refusal: ""</c> (as recorded), an answer's the reverse.</summary>
    public byte[] RoleFrame(bool refusal = false, bool toolCalls = false) => Frame(w =>
    {
        w.WriteStartObject("delta");
        w.WriteString("role", "assistant");
        if (toolCalls)
        {
            w.WriteNull("content");
        }
        else if (refusal)
        {
            w.WriteNull("content");
            w.WriteString("refusal", "");
        }
        else
        {
            w.WriteString("content", "");
            w.WriteNull("refusal");
        }

        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteNull("finish_reason");
    });

    /// <summary>A chunk of the answer: <c>delta.content</c>, or <c>delta.refusal</c> for a refusal.</summary>
    public byte[] ContentFrame(string piece, bool refusal = false) => Frame(w =>
    {
        w.WriteStartObject("delta");
        w.WriteString(refusal ? "refusal" : "content", piece);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteNull("finish_reason");
    });

    /// <summary>A chunk of reasoning, as vLLM and DeepSeek stream it: <c>delta.reasoning_content</c>.</summary>
    public byte[] ReasoningFrame(string piece) => Frame(w =>
    {
        w.WriteStartObject("delta");
        w.WriteString("reasoning_content", piece);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteNull("finish_reason");
    });

    /// <summary>A chunk with one whole tool call: <c>delta.tool_calls[0]</c> with its index, id, type, name and arguments.</summary>
    public byte[] ToolCallFrame(int index, ToolCall call) => Frame(w =>
    {
        w.WriteStartObject("delta");
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        WriteCall(w, call);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteNull("finish_reason");
    });

    /// <summary>A <c>chat.completion</c> whose message calls tools (content null, finish reason <c>tool_calls</c>).</summary>
    public byte[] ToolCallCompletion(IReadOnlyList<ToolCall> calls, Usage usage) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        WriteHeader(w, "chat.completion");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteNull("content");
        w.WriteStartArray("tool_calls");
        foreach (var call in calls)
        {
            w.WriteStartObject();
            WriteCall(w, call);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNull("refusal");
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", "tool_calls");
        w.WriteEndObject();
        w.WriteEndArray();
        WriteUsage(w, usage);
        w.WriteEndObject();
    });

    private static void WriteCall(Utf8JsonWriter w, ToolCall call)
    {
        w.WriteString("id", call.Id);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", call.Name);
        w.WriteString("arguments", call.Arguments);
        w.WriteEndObject();
    }

    public byte[] FinishFrame(string finishReason) => Frame(w =>
    {
        w.WriteStartObject("delta");
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", finishReason);
    });

    public byte[] UsageFrame(Usage usage) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        WriteHeader(w, "chat.completion.chunk");
        w.WriteStartArray("choices");
        w.WriteEndArray();
        WriteUsage(w, usage);
        w.WriteEndObject();
    }, prefix: "data: ", suffix: "\n\n");

    /// <summary>A <c>data:</c> line whose JSON is cut off: invalid on purpose.</summary>
    public byte[] MalformedFrame() => Encoding.UTF8.GetBytes(
        $"data: {{\"id\":\"{id}\",\"object\":\"chat.completion.chunk\",\"created\":{created},\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\n\n");

    public static byte[] ErrorFrame(string message, string? code) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        WriteErrorObject(w, message, "server_error", null, code);
        w.WriteEndObject();
    }, prefix: "data: ", suffix: "\n\n");

    /// <summary>A <c>chat.completion</c>; for a refusal <c>content</c> is null and <c>refusal</c> carries the text.</summary>
    public byte[] Completion(string content, string finishReason, Usage usage, bool refusal = false, string? reasoning = null) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        WriteHeader(w, "chat.completion");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (refusal)
        {
            w.WriteNull("content");
            w.WriteString("refusal", content);
        }
        else
        {
            w.WriteString("content", content);
            w.WriteNull("refusal");
        }

        if (reasoning is not null)
        {
            w.WriteString("reasoning_content", reasoning);
        }

        w.WriteStartArray("annotations");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        WriteUsage(w, usage);
        w.WriteEndObject();
    }, indented: true);

    public static byte[] ErrorBody(string message, string? type, string? param, string? code) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        WriteErrorObject(w, message, type, param, code);
        w.WriteEndObject();
    }, indented: true, suffix: "\n");

    private byte[] Frame(Action<Utf8JsonWriter> writeChoiceBody) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        WriteHeader(w, "chat.completion.chunk");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        writeChoiceBody(w);
        w.WriteEndObject();
        w.WriteEndArray();
        if (includeUsage)
            w.WriteNull("usage");
        w.WriteEndObject();
    }, prefix: "data: ", suffix: "\n\n");

    private void WriteHeader(Utf8JsonWriter w, string objectName)
    {
        w.WriteString("id", id);
        w.WriteString("object", objectName);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
        w.WriteString("service_tier", "default");
        w.WriteString("system_fingerprint", Fingerprint);
    }

    private static void WriteUsage(Utf8JsonWriter w, Usage usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", usage.PromptTokens);
        w.WriteNumber("completion_tokens", usage.CompletionTokens);
        w.WriteNumber("total_tokens", usage.PromptTokens + usage.CompletionTokens);
        if (!usage.HasDetails)
        {
            w.WriteEndObject();
            return;
        }

        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", usage.CachedTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", 0);
        w.WriteNumber("rejected_prediction_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteErrorObject(Utf8JsonWriter w, string message, string? type, string? param, string? code)
    {
        w.WriteStartObject("error");
        w.WriteString("message", message);
        WriteNullable(w, "type", type);
        WriteNullable(w, "param", param);
        WriteNullable(w, "code", code);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
            w.WriteNull(name);
        else
            w.WriteString(name, value);
    }
}
