using Npgsql;

namespace Parley.Postgres.Tests;

/// <summary><see cref="IConversationLog.LockConversationAsync"/> on PostgreSQL: a conversation's lock holds for every store (replica) on the database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConversationLockTests(PostgresServer server)
{
    [SkippableFact]
    public async Task LockConversation_HeldThroughOneStore_AnotherStoreWaitsForItButNotForOtherConversations()
    {
        server.SkipIfUnavailable();
        string url = await server.CreateDatabaseAsync();
        await using var first = await PostgresConversationStore.OpenAsync(url);
        await using var second = await PostgresConversationStore.OpenAsync(url);

        var held = await first.LockConversationAsync("c1");
        var waiting = second.LockConversationAsync("c1");
        await using (await second.LockConversationAsync("c2"))
        {
        }

        // The server shows the second store's request for c1 queued behind the first (not granted), until it is released.
        var database = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse(url)).Database;
        while (await WaitingAdvisoryLocksAsync(database!) == 0)
        {
            Assert.False(waiting.IsCompleted, "the second lock on c1 was granted while the first was held");
            await Task.Delay(20);
        }

        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await (await waiting).DisposeAsync();
        Assert.Equal(0, await WaitingAdvisoryLocksAsync(database!));
    }

    private async Task<long> WaitingAdvisoryLocksAsync(string database)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted;", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
