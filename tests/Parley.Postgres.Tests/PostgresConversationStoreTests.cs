using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Npgsql;

namespace Parley.Postgres.Tests;

/// <summary>What only a server database adds: replicas on one database, migrations under a lock, newer schemas, a server restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConversationStoreTests(PostgresServer server) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _opened = [];
    private string _url = string.Empty;

    public async Task InitializeAsync()
    {
        if (server.SkipReason is null)
        {
            _url = await server.CreateDatabaseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    private async Task<PostgresConversationStore> OpenAsync(string? url = null)
    {
        server.SkipIfUnavailable();
        var store = await PostgresConversationStore.OpenAsync(url ?? _url);
        _opened.Add(store);
        return store;
    }

    private async Task<T> QueryAsync<T>(string sql)
    {
        string database = new Uri(_url).AbsolutePath.TrimStart('/');
        await using var connection = new NpgsqlConnection(server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [SkippableFact]
    public async Task Reserve_TwoReplicasRacingForOneBudget_NeverOverspend()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var key = await first.CreateKeyAsync("alice", "pk-race", new ApiKeyLimits(DailyUsd: 1m, MonthlyUsd: 5m));

        var reservations = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).ReserveAsync(key!.Id, 0.03m))));

        Assert.Equal(33, reservations.Count(r => r.Granted));
        Assert.Equal(0.99m, (await second.ListKeysAsync()).Single().SpentTodayUsd);
        Assert.Equal(0.99m, (await first.ListKeysAsync()).Single().SpentThisMonthUsd);
    }

    [SkippableFact]
    public async Task AppendMessages_TwoReplicasOnOneConversation_SequencesUniqueAndNothingLost()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var conversation = await first.CreateConversationAsync(new NewConversation());

        await Task.WhenAll(Enumerable.Range(0, 40).Select(n => Task.Run(() =>
            (n % 2 == 0 ? first : second).AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.User, $"a{n}"), new ChatMessage(ChatRole.Assistant, $"b{n}")]))));

        var messages = (await second.LoadAsync(conversation.Id)).Messages;
        Assert.Equal(Enumerable.Range(1, 80).Select(i => (long)i), messages.Select(m => m.Sequence));
        Assert.Equal(40, messages.Select(m => m.Message.Text![1..]).Distinct().Count());
    }

    [SkippableFact]
    public async Task Schema_AfterAllMigrations_SameTablesAndColumnsAsSqlite()
    {
        await OpenAsync();
        var sqlite = new SortedSet<string>(StringComparer.Ordinal);
        string? table = null;
        foreach (string line in StorageSchema.ToMarkdown().Split('\n'))
        {
            if (Regex.Match(line, "^### `(\\w+)`$") is { Success: true } heading)
            {
                table = heading.Groups[1].Value == "messages_fts" ? null : heading.Groups[1].Value; // FTS5: a trigram index in PostgreSQL
            }
            else if (table is not null && Regex.Match(line, "^\\| `(\\w+)` \\|") is { Success: true } column)
            {
                sqlite.Add($"{table}.{column.Groups[1].Value}");
            }
        }

        string columns = await QueryAsync<string>(
            "SELECT string_agg(table_name || '.' || column_name, ',') FROM information_schema.columns WHERE table_schema = 'public' AND column_name <> 'rowid';");
        var postgres = new SortedSet<string>(columns.Split(','), StringComparer.Ordinal);

        Assert.Equal(sqlite, postgres);
    }

    [SkippableFact]
    public async Task RevokeKey_ThroughAnotherReplica_SeenByTheNextLookup()
    {
        var gateway = await OpenAsync();
        var cli = await OpenAsync();
        await cli.CreateKeyAsync("alice", "pk-revoke", ApiKeyLimits.None);
        Assert.Null((await gateway.FindKeyAsync("pk-revoke"))?.RevokedAt);

        await cli.RevokeKeyAsync("alice");

        Assert.NotNull((await gateway.FindKeyAsync("pk-revoke"))?.RevokedAt);
    }

    [SkippableFact]
    public async Task Open_EightReplicasOnAnEmptyDatabaseAtOnce_MigrateOnce()
    {
        server.SkipIfUnavailable();

        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PostgresConversationStore.OpenAsync(_url))));
        _opened.AddRange(stores);

        Assert.Equal((long)PostgresSchema.CurrentVersion, await QueryAsync<long>("SELECT count(*) FROM schema_migrations;"));
        Assert.Equal(PostgresSchema.CurrentVersion, await QueryAsync<int>("SELECT max(version) FROM schema_migrations;"));
        var conversation = await stores[3].CreateConversationAsync(new NewConversation { Title = "shared" });
        Assert.Equal("shared", (await stores[6].LoadAsync(conversation.Id)).Conversation.Title);
    }

    [SkippableFact]
    public async Task Open_DatabaseFromANewerParley_RefusedWithAClearMessageAndUntouched()
    {
        server.SkipIfUnavailable();
        await using (var store = await PostgresConversationStore.OpenAsync(_url))
        {
            await store.CreateConversationAsync(new NewConversation { Title = "kept" });
        }

        await QueryAsync<object>($"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({PostgresSchema.CurrentVersion + 1}, 'from the future', now()) RETURNING version;");

        var error = await Assert.ThrowsAsync<ParleyStorageException>(() => PostgresConversationStore.OpenAsync(_url));

        Assert.Contains($"schema version {PostgresSchema.CurrentVersion + 1}", error.Message);
        Assert.Contains("newer", error.Message);
        Assert.Equal(1L, await QueryAsync<long>("SELECT count(*) FROM conversations;"));
    }

    [SkippableFact]
    public async Task Open_OlderSchema_MigratedToTheCurrentOneKeepingItsRows()
    {
        server.SkipIfUnavailable();
        string database = new Uri(_url).AbsolutePath.TrimStart('/');
        await (await PostgresConversationStore.OpenCoreAsync(server.ConnectionString(database), null, 4, CancellationToken.None)).DisposeAsync();
        await QueryAsync<string>("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (replace(gen_random_uuid()::text, '-', ''), 'from version 4', now(), now()) RETURNING title;");

        var store = await OpenAsync();

        Assert.Equal(PostgresSchema.CurrentVersion, await QueryAsync<int>("SELECT max(version) FROM schema_migrations;"));
        Assert.Equal("from version 4", Assert.Single(await store.ListAsync()).Title);
        Assert.NotNull(await store.CreateKeyAsync("alice", "pk-after-upgrade", ApiKeyLimits.None));
    }

    [SkippableFact]
    public async Task ServerRestart_MidTurn_StorageExceptionThenWorksAgainWithNoHalfWrittenTurn()
    {
        var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "question before the restart"));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.LoadAsync(conversation.Id)))); // several pooled connections

        await server.StopAsync();
        ParleyStorageException error;
        try
        {
            error = await Assert.ThrowsAsync<ParleyStorageException>(() => store.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, "lost answer"), new TurnOutcome()));
            await Assert.ThrowsAsync<ParleyStorageException>(() => store.ListAsync());
        }
        finally
        {
            await server.StartAsync();
        }

        Assert.DoesNotContain(PostgresServer.SecretPassword, error.Message);
        var afterRestart = await store.LoadAsync(conversation.Id);
        Assert.Equal(["question before the restart"], afterRestart.Messages.Select(m => m.Message.Text));
        Assert.Equal(TurnStatus.Pending, Assert.Single(afterRestart.Turns).Status);

        var completed = await store.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, "answer after the restart"), new TurnOutcome());
        var loaded = await store.LoadAsync(conversation.Id);
        Assert.Equal(TurnStatus.Complete, completed.Status);
        Assert.Equal(["question before the restart", "answer after the restart"], loaded.Messages.Select(m => m.Message.Text));
    }

    [SkippableFact]
    public async Task Open_UnreachableServer_StorageExceptionNamingTheServerNeverThePassword()
    {
        server.SkipIfUnavailable();
        string url = Regex.Replace(server.Url("nowhere"), @":\d+/", ":1/");

        var error = await Assert.ThrowsAsync<ParleyStorageException>(() => PostgresConversationStore.OpenAsync(url));

        Assert.Contains("127.0.0.1:1/nowhere", error.Message);
        Assert.DoesNotContain(PostgresServer.SecretPassword, error.ToString());
        Assert.DoesNotContain(Uri.EscapeDataString(PostgresServer.SecretPassword), error.ToString());
    }

    [SkippableFact]
    public async Task ServerRestart_UnderLoad_EveryStoredTurnIsWholeAndWritingResumes()
    {
        var store = await OpenAsync();
        var conversations = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => store.CreateConversationAsync(new NewConversation())));
        using var stop = new CancellationTokenSource();
        int failures = 0;
        var writers = conversations.Select(c => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var pending = await store.BeginTurnAsync(c.Id, new ChatMessage(ChatRole.User, $"q{i}"));
                    await store.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, $"a{i}"), new TurnOutcome());
                }
                catch (ParleyStorageException)
                {
                    Interlocked.Increment(ref failures);
                    await Task.Delay(20);
                }
            }
        })).ToArray();

        await Task.Delay(300);
        await server.StopAsync();
        await Task.Delay(300);
        await server.StartAsync();
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(failures > 0, "the restart was not seen by any writer");
        foreach (var conversation in conversations)
        {
            var loaded = await store.LoadAsync(conversation.Id);
            var bySequence = loaded.Messages.ToDictionary(m => m.Sequence);
            Assert.All(loaded.Turns, t => Assert.StartsWith("q", bySequence[t.UserSequence!.Value].Message.Text));
            Assert.All(loaded.Turns.Where(t => t.Status == TurnStatus.Complete), t => Assert.Equal(
                "a" + bySequence[t.UserSequence!.Value].Message.Text[1..], bySequence[t.AssistantSequence!.Value].Message.Text));
            Assert.Equal(loaded.Turns.Count(t => t.AssistantSequence is not null), loaded.Messages.Count(m => m.Message.Role == ChatRole.Assistant));
            Assert.Equal(loaded.Turns.Count, loaded.Messages.Count(m => m.Message.Role == ChatRole.User));
        }

        Assert.Contains(await store.ListAsync(), item => item.TurnCount > 0);
        var after = await store.BeginTurnAsync(conversations[0].Id, new ChatMessage(ChatRole.User, "after"));
        Assert.Equal(TurnStatus.Complete, (await store.CompleteTurnAsync(after, new ChatMessage(ChatRole.Assistant, "ok"), new TurnOutcome())).Status);
    }

    [SkippableFact]
    public async Task Open_PendingTurnsOfEndedProcesses_MarkedInterruptedOthersLeftPending()
    {
        var writer = await OpenAsync();
        var conversation = await writer.CreateConversationAsync(new NewConversation());
        var dead = await writer.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "asked by a process that died"));
        var alive = await writer.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "asked by this process"));
        var elsewhere = await writer.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "asked on another machine"));
        var abandoned = await writer.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "asked on another machine two days ago"));
        await QueryAsync<long>($"UPDATE turns SET writer_pid = {int.MaxValue - 1} WHERE id = '{dead.Id}' RETURNING writer_pid;");
        await QueryAsync<string>($"UPDATE turns SET writer_host = 'another-replica' WHERE id IN ('{elsewhere.Id}', '{abandoned.Id}') RETURNING writer_host;");
        await QueryAsync<string>($"UPDATE turns SET updated_at = now() - interval '2 days' WHERE id = '{abandoned.Id}' RETURNING id;");

        var reopened = await OpenAsync();

        Assert.Equal(2, reopened.RecoveredTurnCount);
        var turns = (await reopened.LoadAsync(conversation.Id)).Turns.ToDictionary(t => t.Id);
        Assert.Equal(TurnStatus.Interrupted, turns[dead.Id].Status);
        Assert.Contains("ended before the answer was saved", turns[dead.Id].Error);
        Assert.Equal(TurnStatus.Interrupted, turns[abandoned.Id].Status);
        Assert.Equal((TurnStatus.Pending, TurnStatus.Pending), (turns[alive.Id].Status, turns[elsewhere.Id].Status));
    }
}
