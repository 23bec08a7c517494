using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Parley.Cli;

/// <summary>
/// The <c>--json</c> shape of a turn: <c>{"id","model","content","refusal","finish_reason","usage":{…},"cost_usd",…,"context":{…}}</c>.
/// Fields the server did not report are null, never 0. <c>prompt_tokens_per_second</c> and <c>load_ms</c> come from the
/// timings a local server or model measured itself (Ollama, GGUF); <c>output_tokens_per_second</c> too, else from the
/// time after the first token. <c>refusal</c> is the model's refusal (null when it did not
/// refuse); <c>content</c> is the answer as printed and kept in the conversation, so for a refusal it is the same text.
/// </summary>
internal static class TurnJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <param name="turn">The turn.</param>
    /// <param name="conversationId">The conversation's id, when it was saved.</param>
    /// <param name="content">The validated answer of a structured-output turn, written as a JSON value in place of the text.</param>
    public static string Write(ChatTurn turn, string? conversationId = null, JsonElement? content = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("id", turn.ResponseId);
            json.WriteString("model", turn.ModelId);
            if (content is { } value)
            {
                json.WritePropertyName("content");
                value.WriteTo(json);
            }
            else
            {
                json.WriteString("content", turn.Text);
            }

            json.WriteString("refusal", turn.Refusal);
            json.WriteString("finish_reason", turn.FinishReason?.Value);
            json.WriteString("status", turn.Status.ToString().ToLowerInvariant());
            json.WriteUsage("usage", turn.Usage);
            json.WriteNumberOrNull("cost_usd", turn.CostUsd);
            json.WriteNumber("latency_ms", Math.Round(turn.Latency.TotalMilliseconds, 1));
            json.WriteNumberOrNull("time_to_first_token_ms", turn.TimeToFirstToken is { } ttft ? Math.Round(ttft.TotalMilliseconds, 1) : null);
            json.WriteNumberOrNull("prompt_tokens_per_second", Rounded(ServerTimings.PromptTokensPerSecond(turn.Usage)));
            json.WriteNumberOrNull("output_tokens_per_second", Rounded(turn.OutputTokensPerSecond));
            json.WriteNumberOrNull("load_ms", ServerTimings.LoadTime(turn.Usage) is { } load ? Math.Round(load.TotalMilliseconds, 1) : null);
            json.WriteString("conversation_id", conversationId);
            WriteContext(json, turn.Context);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static double? Rounded(double? value) => value is { } v ? Math.Round(v, 1) : null;

    // What the context policy did: always the same fields, 0 when every message was sent (null when not known).
    private static void WriteContext(Utf8JsonWriter json, ContextReport? context)
    {
        if (context is null)
        {
            json.WriteNull("context");
            return;
        }

        json.WriteStartObject("context");
        json.WriteString("policy", context.Policy);
        json.WriteNumberOrNull("window", context.ContextWindow);
        json.WriteBoolean("window_learned", context.IsLearnedWindow);
        json.WriteNumber("messages_sent", context.MessagesSent);
        json.WriteNumber("dropped_messages", context.MessagesDropped);
        json.WriteNumber("summarized_messages", context.MessagesSummarized);
        json.WriteEndObject();
    }
}
