using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.TestServer;

/// <summary>Ollama native API payloads: <c>/api/chat</c> NDJSON lines and JSON bodies.</summary>
internal sealed class OllamaWire(string model)
{
    private readonly string _createdAt = Timestamp(DateTimeOffset.UtcNow);

    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public byte[] ContentLine(string piece) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        WriteHead(w, piece);
        w.WriteBoolean("done", false);
        w.WriteEndObject();
    }, suffix: "\n");

    /// <summary>A line of reasoning: <c>message.thinking</c> with empty content.</summary>
    public byte[] ThinkingLine(string piece) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        WriteHead(w, "", piece);
        w.WriteBoolean("done", false);
        w.WriteEndObject();
    }, suffix: "\n");

    public byte[] FinalLine(string finishReason, Usage usage) => Final("", finishReason, usage, "\n");

    public byte[] NonStream(string content, string finishReason, Usage usage, string? thinking = null) => Final(content, finishReason, usage, "", thinking);

    public byte[] MalformedLine() => Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"message\":{{\"role\":\"assistant\",\"content\":\n");

    public static byte[] ErrorLine(string message) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    }, suffix: "\n");

    public static byte[] ErrorBody(string message) => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    private byte[] Final(string content, string finishReason, Usage usage, string suffix, string? thinking = null) => JsonBytes.Build(w =>
    {
        const long load = 1_000_000;
        long promptEval = usage.PromptTokens * 100_000L;
        long eval = usage.CompletionTokens * 1_000_000L;
        w.WriteStartObject();
        WriteHead(w, content, thinking);
        w.WriteString("done_reason", finishReason);
        w.WriteBoolean("done", true);
        w.WriteNumber("total_duration", load + promptEval + eval + 500_000);
        w.WriteNumber("load_duration", load);
        w.WriteNumber("prompt_eval_count", usage.PromptTokens);
        w.WriteNumber("prompt_eval_duration", promptEval);
        w.WriteNumber("eval_count", usage.CompletionTokens);
        w.WriteNumber("eval_duration", eval);
        w.WriteEndObject();
    }, suffix: suffix);

    private void WriteHead(Utf8JsonWriter w, string content, string? thinking = null)
    {
        w.WriteString("model", model);
        w.WriteString("created_at", _createdAt);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteString("content", content);
        if (thinking is not null)
        {
            w.WriteString("thinking", thinking);
        }

        w.WriteEndObject();
    }
}
