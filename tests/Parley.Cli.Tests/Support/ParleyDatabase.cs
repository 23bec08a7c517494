using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Parley.Cli.Tests;

/// <summary>The child's conversation database, opened by the test itself (after the child has ended).</summary>
public static class ParleyDatabase
{
    public static string PathOf(ParleyProcess parley) => Path.Combine(parley.ParleyHome, "parley.db");

    public static Task<SqliteConversationStore> OpenAsync(ParleyProcess parley) => SqliteConversationStore.OpenAsync(PathOf(parley));

    /// <summary>The conversations, most recently updated first.</summary>
    public static async Task<IReadOnlyList<ConversationListItem>> ListAsync(ParleyProcess parley)
    {
        await using var store = await OpenAsync(parley);
        return await store.ListAsync();
    }

    public static async Task<StoredConversation> LoadAsync(ParleyProcess parley, string id)
    {
        await using var store = await OpenAsync(parley);
        return await store.LoadAsync(id);
    }

    /// <summary>
    /// Saves a one-turn conversation directly (faster than running parley; the CLI's own saving is tested elsewhere).
    /// Waits a few milliseconds first so conversations seeded one after another have distinct update times.
    /// </summary>
    public static async Task<string> AddConversationAsync(ParleyProcess parley, string question, string answer, string model = "gpt-4o-mini", string? keyName = null)
    {
        await Task.Delay(5);
        await using var store = await OpenAsync(parley);
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = model, Provider = "openai", KeyName = keyName });
        var turn = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, question));
        await store.CompleteTurnAsync(turn, new ChatMessage(ChatRole.Assistant, answer), new TurnOutcome
        {
            Model = model,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 },
            CostUsd = 0.0000045m,
            Latency = TimeSpan.FromMilliseconds(100),
        });
        return conversation.Id;
    }

    /// <summary>Runs <c>PRAGMA integrity_check</c> on the file without Parley's code.</summary>
    public static string IntegrityCheck(ParleyProcess parley)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = PathOf(parley), Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("\n", lines);
    }
}
