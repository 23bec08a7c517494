using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// The <c>--json</c> shapes of the history commands. Ids are full, numbers are numbers, times are ISO 8601 UTC,
/// and values the server did not report are null, never 0.
/// </summary>
internal static class HistoryJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><c>parley history --json</c>: an array of conversations, newest first.</summary>
    public static string List(IEnumerable<ConversationListItem> items) => Write(json =>
    {
        json.WriteStartArray();
        foreach (var item in items)
        {
            json.WriteStartObject();
            json.WriteString("id", item.Id);
            json.WriteString("title", item.Title);
            json.WriteString("model", item.Model);
            json.WriteNumber("turns", item.TurnCount);
            json.WriteNumber("messages", item.MessageCount);
            json.WriteNumber("tokens", item.TotalTokens);
            json.WriteNumberOrNull("cost_usd", JsonOutputExtensions.TrimZeros(item.TotalCostUsd));
            json.WriteString("created_at", DisplayTime.Iso(item.CreatedAt));
            json.WriteString("updated_at", DisplayTime.Iso(item.UpdatedAt));
            if (item.KeyName is { } key)
            {
                json.WriteString("key", key);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    /// <summary><c>parley history search --json</c>: one hit per conversation, newest first.</summary>
    public static string Search(IEnumerable<SearchHit> hits) => Write(json =>
    {
        json.WriteStartArray();
        foreach (var hit in hits)
        {
            json.WriteStartObject();
            json.WriteString("id", hit.ConversationId);
            json.WriteString("title", hit.Title);
            json.WriteString("role", hit.Role);
            json.WriteString("snippet", hit.Snippet);
            json.WriteString("created_at", DisplayTime.Iso(hit.CreatedAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
