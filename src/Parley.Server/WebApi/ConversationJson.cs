using System.Text.Json;

namespace Parley.Server;

/// <summary>The web API's conversation shapes: the summary of the list, and a whole conversation with each message's status and usage.</summary>
internal static class ConversationJson
{
    public static void WriteSummary(Utf8JsonWriter json, ConversationSummary summary)
    {
        json.WriteStartObject();
        json.WriteString("id", summary.Id);
        json.WriteString("title", summary.Title);
        json.WriteString("model", summary.Model);
        json.WriteTime("created_at", summary.CreatedAt);
        json.WriteTime("updated_at", summary.UpdatedAt);
        json.WriteNumber("message_count", summary.MessageCount);
        json.WriteCost("cost_usd", summary.CostUsd);
        json.WriteEndObject();
    }

    /// <summary>
    /// <c>{"id","title","model","system_prompt","messages":[…],"usage":{…}}</c>: every stored message in order with its
    /// index (what <c>truncate</c>'s <c>keep</c> counts), its turn's status (an answer's, or a question's that got none)
    /// and the usage of the turn that produced it; <c>usage</c> sums every turn, summary calls and removed answers included.
    /// </summary>
    public static void WriteConversation(Utf8JsonWriter json, string clientId, StoredConversation stored)
    {
        var conversation = stored.Conversation;

        // The stored messages matched with their turns as `parley history show` matches them (one Transcript).
        var saved = Transcript.From(stored).Entries.Where(e => e.Sequence is not null).ToList();

        json.WriteStartObject();
        json.WriteString("id", clientId);
        json.WriteString("title", conversation.Title);
        json.WriteString("model", conversation.Model);
        json.WriteString("system_prompt", conversation.SystemPrompt);
        json.WriteTime("created_at", conversation.CreatedAt);
        json.WriteTime("updated_at", conversation.UpdatedAt);
        json.WriteStartArray("messages");
        for (var i = 0; i < saved.Count; i++)
        {
            var (message, sequence, turn) = saved[i];
            var answered = turn?.AssistantSequence == sequence ? turn : null;
            json.WriteStartObject();
            json.WriteNumber("index", i);
            json.WriteString("role", message.Role.Value);
            json.WriteString("content", message.Text);
            json.WriteString("status", StatusName(turn?.Status ?? TurnStatus.Complete));
            if (answered is not null)
            {
                WriteUsage(json, answered.Usage.InputTokenCount, answered.Usage.OutputTokenCount, answered.CostUsd);
            }
            else
            {
                json.WriteNull("usage");
            }

            json.WriteTime("created_at", stored.Messages[i].CreatedAt);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        var turns = stored.Turns;
        WriteUsage(json, turns.Sum(t => t.Usage.InputTokenCount ?? 0), turns.Sum(t => t.Usage.OutputTokenCount ?? 0), ConversationSummary.TotalCost(turns));
        json.WriteEndObject();
    }

    public static string StatusName(TurnStatus status) => status.ToString().ToLowerInvariant();

    private static void WriteUsage(Utf8JsonWriter json, long? prompt, long? completion, decimal? cost)
    {
        json.WriteStartObject("usage");
        json.WriteNumberOrNull("prompt_tokens", prompt);
        json.WriteNumberOrNull("completion_tokens", completion);
        json.WriteCost("cost_usd", cost);
        json.WriteEndObject();
    }
}
