using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Parley.Hosting;

/// <summary>
/// A stored conversation as JSON (<c>parley history show --json</c>, <c>export --format json</c>, the gateway's export):
/// ids are full, numbers are numbers, times are ISO 8601 UTC, and values the server did not report are null, never 0.
/// </summary>
internal static class TranscriptJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// <c>parley history show --json</c> and <c>export --format json</c>: the conversation's settings, the OpenAI messages
    /// array it would send, and every turn with its usage (<c>user_index</c>/<c>assistant_index</c> point into <c>messages</c>).
    /// </summary>
    public static string Conversation(Transcript transcript) => Write(json =>
    {
        var conversation = transcript.Conversation;
        var turns = transcript.Stored.Turns;
        json.WriteStartObject();
        json.WriteString("id", conversation.Id);
        json.WriteString("title", conversation.Title);
        json.WriteString("provider", conversation.Provider);
        json.WriteString("model", conversation.Model);
        json.WriteString("context_policy", conversation.ContextPolicy);
        if (conversation.KeyName is { } key)
        {
            json.WriteString("key", key);
        }

        json.WriteString("created_at", DisplayTime.Iso(conversation.CreatedAt));
        json.WriteString("updated_at", DisplayTime.Iso(conversation.UpdatedAt));
        json.WriteString("summary", conversation.Summary);
        json.WriteNumber("total_tokens", turns.Sum(TotalTokens));
        json.WriteNumberOrNull("cost_usd", JsonOutputExtensions.TrimZeros(turns.Any(t => t.CostUsd is not null) ? turns.Sum(t => t.CostUsd ?? 0m) : null));
        json.WritePropertyName("messages");
        json.WriteStartArray();
        foreach (var entry in transcript.Entries)
        {
            OpenAIMessageFormat.WriteMessage(json, entry.Message);
        }

        json.WriteEndArray();
        json.WritePropertyName("turns");
        json.WriteStartArray();
        foreach (var turn in turns)
        {
            json.WriteStartObject();
            json.WriteString("kind", turn.IsSummary ? "summary" : "chat");
            json.WriteString("status", StoredTurnText.StatusName(turn.Status));
            json.WriteString("model", turn.Model);
            json.WriteNumberOrNull("user_index", transcript.IndexOf(turn.UserSequence));
            json.WriteNumberOrNull("assistant_index", transcript.IndexOf(turn.AssistantSequence));
            json.WriteUsage("usage", turn.Usage);
            json.WriteNumberOrNull("cost_usd", JsonOutputExtensions.TrimZeros(turn.CostUsd));
            json.WriteNumberOrNull("latency_ms", turn.Latency is { } latency ? Math.Round(latency.TotalMilliseconds, 1) : null);
            json.WriteNumberOrNull("time_to_first_token_ms", turn.TimeToFirstToken is { } ttft ? Math.Round(ttft.TotalMilliseconds, 1) : null);
            json.WriteNumberOrNull("derived_output_tokens_per_second", DerivedOutputSpeed(turn));
            json.WriteString("finish_reason", turn.FinishReason?.Value);
            json.WriteString("error", turn.Error);
            json.WriteString("created_at", DisplayTime.Iso(turn.CreatedAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });


    // Output tokens over the time after the first token, from the saved latency and time to first token (the turns
    // table keeps no server-measured timings): null when either is unknown or no time passed after the first token.
    private static double? DerivedOutputSpeed(TurnRecord turn) =>
        turn.Usage.OutputTokenCount is > 0 and var output && turn.Latency is { } latency && turn.TimeToFirstToken is { } ttft
            && latency - ttft is var generation && generation > TimeSpan.Zero
            ? Math.Round(output / generation.TotalSeconds, 1)
            : null;

    private static long TotalTokens(TurnRecord turn) =>
        turn.Usage.TotalTokenCount ?? ((turn.Usage.InputTokenCount ?? 0) + (turn.Usage.OutputTokenCount ?? 0));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
