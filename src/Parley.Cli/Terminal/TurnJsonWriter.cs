using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Parley.Cli;

/// <summary>
/// The <c>--json</c> shape of a turn: <c>{"id","model","content","finish_reason","usage":{…},"cost_usd",…}</c>.
/// Fields the server did not report are null, never 0.
/// </summary>
internal static class TurnJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(ChatTurn turn, string? conversationId = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("id", turn.ResponseId);
            json.WriteString("model", turn.ModelId);
            json.WriteString("content", turn.Text);
            json.WriteString("finish_reason", turn.FinishReason?.Value);
            json.WriteString("status", turn.Status.ToString().ToLowerInvariant());
            json.WritePropertyName("usage");
            if (turn.Usage is { } usage)
            {
                json.WriteStartObject();
                WriteNumber(json, "prompt_tokens", usage.InputTokenCount);
                WriteNumber(json, "completion_tokens", usage.OutputTokenCount);
                WriteNumber(json, "total_tokens", usage.TotalTokenCount ?? (usage.InputTokenCount + usage.OutputTokenCount));
                WriteNumber(json, "cached_tokens", usage.CachedInputTokenCount);
                WriteNumber(json, "reasoning_tokens", usage.ReasoningTokenCount);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNullValue();
            }

            if (turn.CostUsd is { } cost)
            {
                json.WriteNumber("cost_usd", cost);
            }
            else
            {
                json.WriteNull("cost_usd");
            }

            json.WriteNumber("latency_ms", Math.Round(turn.Latency.TotalMilliseconds, 1));
            if (turn.TimeToFirstToken is { } ttft)
            {
                json.WriteNumber("time_to_first_token_ms", Math.Round(ttft.TotalMilliseconds, 1));
            }
            else
            {
                json.WriteNull("time_to_first_token_ms");
            }

            json.WriteString("conversation_id", conversationId);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
