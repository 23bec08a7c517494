using Microsoft.Data.Sqlite;

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
