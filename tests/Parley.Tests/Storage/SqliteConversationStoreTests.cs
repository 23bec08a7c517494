using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Parley.Tests.Storage;

public sealed class SqliteConversationStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DatabasePath => _folder.File("parley.db");

    public void Dispose() => _folder.Dispose();

    private static SqliteConnection Raw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static List<long> Versions(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations ORDER BY version;";
        using var reader = command.ExecuteReader();
        var versions = new List<long>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }

    private static IEnumerable<long> AllVersions => StorageMigrations.All.Select(m => (long)m.Version);

    [Fact]
    public async Task Open_Twice_MigrationsAppliedOnceAndRecorded()
    {
        string id;
        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            id = (await store.CreateConversationAsync(new NewConversation { Title = "kept" })).Id;
        }

        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            Assert.Equal("kept", (await store.LoadAsync(id)).Conversation.Title);
        }

        using var raw = Raw(DatabasePath);
        Assert.Equal(AllVersions, Versions(raw));
        Assert.Equal((long)StorageSchema.CurrentVersion, Scalar(raw, "PRAGMA user_version;"));
        Assert.Equal((long)StorageMigrations.ApplicationId, Scalar(raw, "PRAGMA application_id;"));
    }

    [Fact]
    public async Task Open_UserVersionReset_MigrationsTableKeepsThemFromRunningTwice()
    {
        await using (await SqliteConversationStore.OpenAsync(DatabasePath))
        {
        }

        using (var raw = Raw(DatabasePath))
        {
            Scalar(raw, "PRAGMA user_version = 0;");
        }

        await using (await SqliteConversationStore.OpenAsync(DatabasePath))
        {
        }

        using var check = Raw(DatabasePath);
        Assert.Equal(AllVersions, Versions(check));
        Assert.Equal((long)StorageSchema.CurrentVersion, Scalar(check, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task Open_VersionOneDatabase_UpgradedInPlaceAndSearchFindsOldMessages()
    {
        string id;
        await using (var old = await SqliteConversationStore.OpenCoreAsync(DatabasePath, null, targetVersion: 1, CancellationToken.None))
        {
            id = (await old.CreateConversationAsync(new NewConversation())).Id;
            await old.BeginTurnAsync(id, new ChatMessage(ChatRole.User, "什么是人工智能？"));
        }

        // The answer as a version-1 Parley saved it (today's code writes columns version 1 does not have).
        using (var raw = Raw(DatabasePath))
        using (var complete = raw.CreateCommand())
        {
            complete.CommandText = """
                INSERT INTO messages (conversation_id, seq, role, content, created_at)
                    SELECT conversation_id, 2, 'assistant', '人工智能是计算机科学的一个分支。', created_at FROM messages WHERE conversation_id = $id;
                UPDATE turns SET status = 'complete', assistant_seq = 2, cost_usd = 0.5 WHERE conversation_id = $id;
                """;
            complete.Parameters.AddWithValue("$id", id);
            complete.ExecuteNonQuery();
        }

        using (var raw = Raw(DatabasePath))
        {
            Assert.Equal([1L], Versions(raw));
            Assert.Equal(0L, Scalar(raw, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts';"));
        }

        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            var loaded = await store.LoadAsync(id);
            Assert.Equal(2, loaded.Messages.Count);
            Assert.Equal(0.5m, Assert.Single(loaded.Turns).CostUsd);
            Assert.Null(loaded.Turns[0].MessagesDropped); // not recorded before schema version 4: unknown, not 0
            Assert.Equal(id, Assert.Single(await store.SearchAsync("人工智能")).ConversationId);
        }

        using var upgraded = Raw(DatabasePath);
        Assert.Equal(AllVersions, Versions(upgraded));
    }

    [Fact]
    public async Task Open_NewDatabase_UsesWalNormalSyncBusyTimeoutAndForeignKeys()
    {
        await using var store = await SqliteConversationStore.OpenAsync(DatabasePath);

        Assert.Equal("wal", Scalar(store.Connection, "PRAGMA journal_mode;"));
        Assert.Equal(1L, Scalar(store.Connection, "PRAGMA synchronous;")); // NORMAL
        Assert.Equal(5000L, Scalar(store.Connection, "PRAGMA busy_timeout;"));
        Assert.Equal(1L, Scalar(store.Connection, "PRAGMA foreign_keys;"));
        Assert.Equal(5, store.Connection.DefaultTimeout);
    }

    [Fact]
    public async Task Open_MissingFolder_CreatesIt()
    {
        string path = Path.Combine(_folder.Path, "a", "b", "parley.db");

        await using var store = await SqliteConversationStore.OpenAsync(path);

        Assert.True(File.Exists(path));
        Assert.Equal(path, store.DatabasePath);
    }

    [Fact]
    public async Task Open_EmptyFile_BecomesParleyDatabase()
    {
        await File.WriteAllBytesAsync(DatabasePath, []);

        await using var store = await SqliteConversationStore.OpenAsync(DatabasePath);

        Assert.NotNull(await store.CreateConversationAsync(new NewConversation()));
    }

    [Fact]
    public async Task Open_TextFile_ThrowsNotParleyAndLeavesFileUntouched()
    {
        await File.WriteAllTextAsync(DatabasePath, "my notes\nnot a database at all\n");
        byte[] before = await File.ReadAllBytesAsync(DatabasePath);

        var error = await Assert.ThrowsAsync<ParleyStorageException>(() => SqliteConversationStore.OpenAsync(DatabasePath));

        Assert.Contains("is not a Parley database", error.Message);
        Assert.Contains(DatabasePath, error.Message);
        Assert.Equal(DatabasePath, error.DatabasePath);
        Assert.Equal(before, await File.ReadAllBytesAsync(DatabasePath));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0x46534C31)]
    public async Task Open_OtherApplicationsDatabase_ThrowsNotParleyAndLeavesFileUntouched(int applicationId)
    {
        using (var raw = Raw(DatabasePath))
        {
            Scalar(raw, $"PRAGMA application_id = {applicationId}; CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada');");
        }

        byte[] before = await File.ReadAllBytesAsync(DatabasePath);

        var error = await Assert.ThrowsAsync<ParleyStorageException>(() => SqliteConversationStore.OpenAsync(DatabasePath));

        Assert.Contains("is not a Parley database", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(DatabasePath));
        Assert.False(File.Exists(DatabasePath + "-wal"));
    }

    [Fact]
    public async Task Open_Directory_ThrowsNotParley()
    {
        Directory.CreateDirectory(DatabasePath);

        var error = await Assert.ThrowsAsync<ParleyStorageException>(() => SqliteConversationStore.OpenAsync(DatabasePath));

        Assert.Contains("is a directory", error.Message);
    }

    [Theory]
    [InlineData("pages")]
    [InlineData("schema")]
    [InlineData("truncated")]
    [InlineData("cut")]
    public async Task Open_CorruptDatabase_ThrowsCorruptAndLeavesFileUntouched(string damage)
    {
        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            for (int i = 0; i < 20; i++)
            {
                var conversation = await store.CreateConversationAsync(new NewConversation());
                var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, new string('q', 500) + i));
                await store.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, new string('a', 2000)), new TurnOutcome());
            }
        }

        byte[] bytes = await File.ReadAllBytesAsync(DatabasePath);
        int pageSize = (bytes[16] << 8) | bytes[17];
        Assert.True(bytes.Length >= pageSize * 6, "the test database spans several pages");
        switch (damage)
        {
            case "pages": // scribble over every b-tree page header after the first page
                for (int page = 1; page < bytes.Length / pageSize; page++)
                {
                    Array.Fill(bytes, (byte)0x5A, page * pageSize, 12);
                }

                break;
            case "schema": // garble the schema table on page 1, keep the file header
                Array.Fill(bytes, (byte)0xA5, 100, pageSize - 100);
                break;
            case "truncated": // whole pages missing at the end
                bytes = bytes[..(pageSize * 3)];
                break;
            default: // cut in the middle of a page
                bytes = bytes[..^(pageSize + (pageSize / 3))];
                break;
        }

        await File.WriteAllBytesAsync(DatabasePath, bytes);

        var error = await Assert.ThrowsAsync<ParleyStorageException>(() => SqliteConversationStore.OpenAsync(DatabasePath));

        Assert.Contains("is corrupt", error.Message);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(DatabasePath));
    }

    [Fact]
    public async Task Open_DatabaseFromNewerParley_ThrowsAndLeavesFileUntouched()
    {
        await using (await SqliteConversationStore.OpenAsync(DatabasePath))
        {
        }

        using (var raw = Raw(DatabasePath))
        {
            Scalar(raw, "PRAGMA user_version = 99;");
        }

        byte[] before = await File.ReadAllBytesAsync(DatabasePath);

        var error = await Assert.ThrowsAsync<ParleyStorageException>(() => SqliteConversationStore.OpenAsync(DatabasePath));

        Assert.Contains("newer Parley", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(DatabasePath));
    }

    [Theory]
    [InlineData("dead: same pid, other start time", "self", 1L, "self", 0, "interrupted")]
    [InlineData("dead: process id not in use", "unused", 0L, "self", 0, "interrupted")]
    [InlineData("live: this process", "self", 0L, "self", 0, "pending")]
    [InlineData("unknown: other machine, recent", "self", 0L, "elsewhere", 1, "pending")]
    [InlineData("stale: other machine, old", "self", 0L, "elsewhere", 48, "interrupted")]
    public async Task Reopen_PendingTurn_InterruptedOnlyWhenItsWriterIsGone(string scenario, string pid, long started, string host, int ageHours, string expected)
    {
        Assert.NotEmpty(scenario);
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var options = new ConversationStoreOptions { TimeProvider = clock };
        string id;
        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath, options))
        {
            id = (await store.CreateConversationAsync(new NewConversation())).Id;
            await store.BeginTurnAsync(id, new ChatMessage(ChatRole.User, "The question survives"));
        }

        using (var raw = Raw(DatabasePath))
        {
            using var command = raw.CreateCommand();
            command.CommandText = """
                UPDATE turns SET writer_pid = coalesce($pid, writer_pid),
                                 writer_started_at = coalesce($started, writer_started_at),
                                 writer_host = coalesce($host, writer_host);
                """;
            command.Parameters.AddWithValue("$pid", pid == "unused" ? 2_000_000_000 : DBNull.Value);
            command.Parameters.AddWithValue("$started", started != 0 ? started : DBNull.Value);
            command.Parameters.AddWithValue("$host", host == "elsewhere" ? "some-other-machine" : DBNull.Value);
            command.ExecuteNonQuery();
        }

        clock.Advance(TimeSpan.FromHours(ageHours));
        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath, options))
        {
            var loaded = await store.LoadAsync(id);
            var turn = Assert.Single(loaded.Turns);
            Assert.Equal(expected, StorageText.FormatStatus(turn.Status));
            Assert.Equal(expected == "interrupted" ? 1 : 0, store.RecoveredTurnCount);
            Assert.Equal("The question survives", Assert.Single(loaded.Messages).Message.Text);
            if (expected == "interrupted")
            {
                Assert.Contains("ended before the answer was saved", turn.Error);
            }
        }
    }

    [Fact]
    public async Task CompleteTurn_AfterReopenInSameProcess_StillPendingAndCompletes()
    {
        string id;
        TurnRecord pending;
        await using (var first = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            id = (await first.CreateConversationAsync(new NewConversation())).Id;
            pending = await first.BeginTurnAsync(id, new ChatMessage(ChatRole.User, "Slow question"));
        }

        await using var second = await SqliteConversationStore.OpenAsync(DatabasePath);
        var turn = await second.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, "Slow answer"), new TurnOutcome());

        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Equal(0, second.RecoveredTurnCount);
    }

    [Fact]
    public async Task TwoStores_FiftyTurnsEachOnOneConversation_AllHundredTurnsWithUniqueSequences()
    {
        string id;
        await using (var setup = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            id = (await setup.CreateConversationAsync(new NewConversation())).Id;
        }

        async Task WriteAsync(string writer)
        {
            await using var store = await SqliteConversationStore.OpenAsync(DatabasePath);
            for (int i = 0; i < 50; i++)
            {
                var pending = await store.BeginTurnAsync(id, new ChatMessage(ChatRole.User, $"{writer} question {i}"));
                await Task.Yield();
                await store.CompleteTurnAsync(
                    pending,
                    new ChatMessage(ChatRole.Assistant, $"{writer} answer {i}"),
                    new TurnOutcome { Usage = new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 }, CostUsd = 0.001m });
            }
        }

        await Task.WhenAll(Task.Run(() => WriteAsync("A")), Task.Run(() => WriteAsync("B")));

        await using var check = await SqliteConversationStore.OpenAsync(DatabasePath);
        var loaded = await check.LoadAsync(id);
        Assert.Equal(100, loaded.Turns.Count);
        Assert.All(loaded.Turns, t => Assert.Equal(TurnStatus.Complete, t.Status));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), loaded.Messages.Select(m => m.Sequence));
        var bySeq = loaded.Messages.ToDictionary(m => m.Sequence, m => m.Message.Text);
        foreach (var turn in loaded.Turns)
        {
            string question = bySeq[turn.UserSequence!.Value];
            string answer = bySeq[turn.AssistantSequence!.Value];
            Assert.Equal(question.Replace("question", "answer", StringComparison.Ordinal), answer);
        }

        foreach (string writer in new[] { "A", "B" })
        {
            var questions = loaded.Messages.Where(m => m.Message.Text.StartsWith(writer + " question ", StringComparison.Ordinal)).Select(m => m.Message.Text).ToList();
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"{writer} question {i}"), questions);
        }

        var item = Assert.Single(await check.ListAsync());
        Assert.Equal(100, item.TurnCount);
        Assert.Equal(0.1m, item.TotalCostUsd);
    }

    [Fact]
    public async Task TwoStores_OpeningNewDatabaseAtOnce_BothSucceedAndMigrateOnce()
    {
        var stores = await Task.WhenAll(
            Task.Run(() => SqliteConversationStore.OpenAsync(DatabasePath)),
            Task.Run(() => SqliteConversationStore.OpenAsync(DatabasePath)));
        foreach (var store in stores)
        {
            await store.CreateConversationAsync(new NewConversation());
            await store.DisposeAsync();
        }

        using var raw = Raw(DatabasePath);
        Assert.Equal(AllVersions, Versions(raw));
        Assert.Equal(2L, Scalar(raw, "SELECT count(*) FROM conversations;"));
    }

    [Fact]
    public async Task Database_Schema_HasNoColumnForSecrets()
    {
        await using var store = await SqliteConversationStore.OpenAsync(DatabasePath);
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table';";
        using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // A virtual key is stored as its name, its id and its SHA-256, never itself (SqliteApiKeyStoreContractTests checks the file).
            string column = reader.GetString(0);
            Assert.DoesNotMatch("(?i)(key|secret|token$|password)", column.Split('.')[1].Replace("key_name", "", StringComparison.Ordinal)
                .Replace("key_id", "", StringComparison.Ordinal).Replace("key_sha256", "", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Timestamps_Stored_AsIsoUtcText()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));
        await using var store = await SqliteConversationStore.OpenAsync(DatabasePath, new ConversationStoreOptions { TimeProvider = clock });
        var conversation = await store.CreateConversationAsync(new NewConversation());

        Assert.Equal("2025-01-02T03:04:05.678Z", Scalar(store.Connection, "SELECT created_at FROM conversations;"));
        Assert.Equal(clock.GetUtcNow(), conversation.CreatedAt);
        Assert.Equal(clock.GetUtcNow(), (await store.LoadAsync(conversation.Id)).Conversation.CreatedAt);
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var store = await SqliteConversationStore.OpenAsync(DatabasePath);
        await store.DisposeAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ListAsync());
    }

    [Theory]
    [InlineData("PRAGMA query_only = 1;", 8)] // SQLITE_READONLY
    [InlineData("PRAGMA max_page_count = 1;", 13)] // SQLITE_FULL: no page left to grow into
    public async Task Write_ProviderFailure_ThrowsParleyStorageExceptionNamingTheDatabase(string pragma, int sqliteError)
    {
        await using var store = await SqliteConversationStore.OpenAsync(DatabasePath);
        var conversation = await store.CreateConversationAsync(new NewConversation());
        Scalar(store.Connection, pragma);

        var error = await Assert.ThrowsAsync<ParleyStorageException>(
            () => store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.User, new string('x', 200_000))]));

        Assert.StartsWith($"the conversation database {DatabasePath} failed: ", error.Message);
        Assert.Equal(DatabasePath, error.DatabasePath);
        Assert.Equal(sqliteError, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode);
    }

    [Fact]
    public async Task OpenInMemory_TwoStores_EachKeepsOnlyItsOwnConversations()
    {
        await using var first = await SqliteConversationStore.OpenInMemoryAsync();
        await using var second = await SqliteConversationStore.OpenInMemoryAsync();

        var conversation = await first.CreateConversationAsync(new NewConversation { Title = "mine" });

        Assert.Null(first.DatabasePath);
        Assert.Equal([conversation.Id], (await first.ListAsync()).Select(c => c.Id));
        Assert.Empty(await second.ListAsync());
        Assert.Equal(AllVersions, Versions(first.Connection));
    }

    [Fact]
    public async Task SharesRateLimits_SqliteStore_FalseAndTheGatewayCountsInProcess()
    {
        await using var store = await SqliteConversationStore.OpenInMemoryAsync();
        IApiKeyStore keys = store;

        Assert.False(keys.SharesRateLimits);
        await Assert.ThrowsAsync<NotSupportedException>(() => keys.TryAcquireRateAsync(1, 10, null, 1));
    }

    [Fact]
    public async Task Messages_TextOnlyAndOldRows_PartsNullAndLoadAsText()
    {
        string id;
        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            id = (await store.CreateConversationAsync(new NewConversation())).Id;
            await store.AppendMessagesAsync(id, [new ChatMessage(ChatRole.User, "plain question")]);
        }

        using (var raw = Raw(DatabasePath))
        {
            Assert.Equal(DBNull.Value, Scalar(raw, "SELECT parts FROM messages WHERE seq = 1;"));
            using var old = raw.CreateCommand();
            old.CommandText = "INSERT INTO messages (conversation_id, seq, role, content, created_at) SELECT conversation_id, 2, 'assistant', 'an answer saved before version 8', created_at FROM messages;";
            old.ExecuteNonQuery();
        }

        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            var loaded = await store.LoadAsync(id);
            Assert.Equal(["text plain question", "text an answer saved before version 8"], loaded.Messages.Select(m => Assert.Single(ContentShapes.Of(m.Message))));
        }
    }

    [Fact]
    public async Task CompleteTurnWithMessages_DatabaseLocked_ToolRoundGoesToARecoveryFileAndIsImportedWhole()
    {
        string id;
        List<ChatMessage> round =
        [
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "21 °C")]),
            new(ChatRole.Assistant, "It is 21 °C."),
        ];
        await using (var store = await SqliteConversationStore.OpenAsync(DatabasePath, new ConversationStoreOptions { SaveWait = TimeSpan.FromMilliseconds(300) }))
        {
            id = (await store.CreateConversationAsync(new NewConversation())).Id;
            var pending = await store.BeginTurnAsync(id, new ChatMessage(ChatRole.User, "Weather in Paris?"));
            TurnRecord saved;
            using (var raw = Raw(DatabasePath))
            using (var locked = raw.BeginTransaction(deferred: false))
            {
                saved = await store.CompleteTurnWithMessagesAsync(pending, round, new TurnOutcome { Model = "m", FinishReason = ChatFinishReason.Stop });
                locked.Rollback();
            }

            Assert.NotNull(saved.RecoveryFile);
            Assert.Contains("\"function_call\"", await File.ReadAllTextAsync(saved.RecoveryFile));
        }

        await using (var reopened = await SqliteConversationStore.OpenAsync(DatabasePath))
        {
            Assert.Equal(1, reopened.ImportedRecoveryCount);
            var loaded = await reopened.LoadAsync(id);
            Assert.Equal(TurnStatus.Complete, Assert.Single(loaded.Turns).Status);
            Assert.Equal(4L, loaded.Turns[0].AssistantSequence);
            Assert.Equal(round.Select(ContentShapes.Of), loaded.Messages.Skip(1).Select(m => ContentShapes.Of(m.Message)));
        }
    }

    [Fact]
    public void RecoveryFile_VersionOneLine_ReadsTheAnswer()
    {
        var turn = RecoveryFile.Parse("""{"version":1,"turn_id":"t","conversation_id":"c","user_seq":1,"assistant":"old answer","assistant_message_id":"m1","status":"complete"}""");

        var answer = Assert.Single(turn.Messages);
        Assert.Equal(("assistant", "old answer", "m1"), (answer.Role.Value, answer.Text, answer.MessageId));
    }
}
