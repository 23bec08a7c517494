using System.Net;
using System.Text.Json.Nodes;
using Parley.TestServer;

namespace Parley.Postgres.Tests;

/// <summary>
/// Several <c>parley serve</c> replicas (each with its own pool) on one PostgreSQL database, in front of one loopback
/// upstream: budgets, rate limits and revocations hold across them, and a database outage gives fast 503s.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaTests(PostgresServer server) : IAsyncLifetime
{
    private readonly List<ReplicaHost> _replicas = [];
    private LoopbackServer? _upstream;
    private string? _url;

    public async Task InitializeAsync()
    {
        if (server.SkipReason is not null)
        {
            return;
        }

        _upstream = await LoopbackServer.StartAsync();
        _url = await server.CreateDatabaseAsync();
        for (int i = 0; i < 3; i++)
        {
            _replicas.Add(await ReplicaHost.StartAsync(_upstream, _url));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Replicas_ConcurrentRequestsOnOneBudget_NeverSpendPastIt()
    {
        server.SkipIfUnavailable();
        const decimal Budget = 0.002m; // a request of max_tokens 1000 reserves about $0.0006 on gpt-4o-mini
        string secret = await CreateKeyAsync("team", new ApiKeyLimits(DailyUsd: Budget));
        for (int i = 0; i < 30; i++)
        {
            _upstream!.Enqueue(ScriptedResponse.Text("slow answer").WithDelay(TimeSpan.FromMilliseconds(500))); // all race at once
        }

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => StatusAsync(_replicas[i % 3].ChatAsync(secret, maxTokens: 1000))));

        var key = (await _replicas[0].Store.ListKeysAsync()).Single();
        Assert.True(key.SpentTodayUsd <= Budget, $"spent {key.SpentTodayUsd} of {Budget}");
        Assert.True(statuses.Contains(HttpStatusCode.OK) && statuses.Contains((HttpStatusCode)429), "statuses: " + string.Join(", ", statuses));
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or (HttpStatusCode)429, $"unexpected {s}"));
    }

    [SkippableFact]
    public async Task Replicas_RequestsPerMinuteLimit_AdmitAtMostTheLimitOverAllReplicas()
    {
        server.SkipIfUnavailable();
        const int Limit = 5;
        string secret = await CreateKeyAsync("team", new ApiKeyLimits(RequestsPerMinute: Limit));

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => BodyAsync(_replicas[i % 3].ChatAsync(secret))));

        Assert.Equal(Limit, responses.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(
            responses.Where(r => r.Status != HttpStatusCode.OK),
            r => Assert.Equal("rate_limit_exceeded", r.Body["error"]?["code"]?.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Replicas_KeyRevoked_EveryReplicaAnswers401WithinTwoSeconds()
    {
        server.SkipIfUnavailable();
        string secret = await CreateKeyAsync("team", ApiKeyLimits.None);
        foreach (var replica in _replicas)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(replica.ChatAsync(secret))); // each replica caches the key
        }

        Assert.True(await _replicas[0].Store.RevokeKeyAsync("team"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        foreach (var replica in _replicas)
        {
            while (true)
            {
                var (status, body) = await BodyAsync(replica.ChatAsync(secret));
                if (status == HttpStatusCode.Unauthorized)
                {
                    Assert.Equal("invalid_api_key", body["error"]?["code"]?.GetValue<string>());
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "a replica still admits the revoked key after 2 s");
                await Task.Delay(50);
            }
        }
    }

    [SkippableFact]
    public async Task Replicas_OneReplicaWith64ConcurrentRequests_NoneGets503()
    {
        server.SkipIfUnavailable();
        string secret = await CreateKeyAsync("team", ApiKeyLimits.None);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => StatusAsync(_replicas[0].ChatAsync(secret))));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [SkippableFact]
    public async Task Replica_PoolExhausted_Answers503InsteadOfWaiting()
    {
        server.SkipIfUnavailable();
        string database = new Uri(_url!).AbsolutePath.Trim('/');
        await using var small = await ReplicaHost.StartAsync(_upstream!, server.ConnectionString(database) + ";Pooling=true;Maximum Pool Size=2;Timeout=1");
        string secret = await CreateKeyAsync("team", new ApiKeyLimits(DailyUsd: 100m));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(small.ChatAsync(secret)));

        // Another client holds the key's row: two requests wait on it in their reservations, holding the whole pool.
        await using var holder = new Npgsql.NpgsqlConnection(server.ConnectionString(database));
        await holder.OpenAsync();
        var transaction = await holder.BeginTransactionAsync();
        await using (var lockKey = new Npgsql.NpgsqlCommand("SELECT id FROM api_keys FOR UPDATE;", holder, transaction))
        {
            await lockKey.ExecuteNonQueryAsync();
        }

        var waiting = Enumerable.Range(0, 2).Select(_ => BodyAsync(small.ChatAsync(secret))).ToList();
        await EventuallyAsync(async () =>
        {
            await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted;", holder);
            return (long)(await count.ExecuteScalarAsync())! >= 2 ? true : (bool?)null;
        });
        var refused = await EventuallyAsync(async () =>
        {
            var (status, body) = await BodyAsync(small.ChatAsync(secret), TimeSpan.FromSeconds(10));
            return status == HttpStatusCode.ServiceUnavailable ? body : null;
        });
        await transaction.RollbackAsync();

        Assert.Equal("service_unavailable", refused["error"]?["code"]?.GetValue<string>());
        Assert.All(await Task.WhenAll(waiting), r => Assert.Equal(HttpStatusCode.OK, r.Status));
    }

    [SkippableFact]
    public async Task Replicas_ExchangeSavedThroughOneReplica_IsListedByAnother()
    {
        server.SkipIfUnavailable();
        string secret = await CreateKeyAsync("team", ApiKeyLimits.None);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_replicas[0].ChatAsync(secret)));

        var listed = await EventuallyAsync(async () => (await _replicas[1].Store.ListAsync()).SingleOrDefault(c => c.TurnCount > 0));
        Assert.Equal("team", (await _replicas[1].Store.LoadAsync(listed.Id)).Conversation.KeyName);
    }

    [SkippableFact]
    public async Task Replicas_ConversationAlternatingBetweenReplicas_KeepsItsFullHistoryInOrder()
    {
        server.SkipIfUnavailable();
        string secret = await CreateKeyAsync("team", ApiKeyLimits.None);

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(_replicas[i % 3].ChatAsync(secret, question: $"question {i}", conversation: "shared-1")));
        }

        // The fourth request went through replica 0 again: what reached the upstream holds the three turns before it, in order.
        var last = _upstream!.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal(
            ["question 0", "Echo: question 0", "question 1", "Echo: question 1", "question 2", "Echo: question 2", "question 3"],
            last.Messages.Where(m => m.Role != "system").Select(m => m.Content).ToArray());
        var conversation = (await _replicas[2].Store.ListAsync()).Single(c => c.TurnCount > 0);
        Assert.Equal(4, conversation.TurnCount);
    }

    [SkippableFact]
    public async Task Replicas_ConcurrentTurnsOnOneConversationThroughEveryReplica_AreEachSavedOnceWholeAndContiguous()
    {
        server.SkipIfUnavailable();
        string secret = await CreateKeyAsync("team", ApiKeyLimits.None);

        // Two rounds of one turn per replica at the same time on one conversation: the appends race across replicas.
        for (int round = 0; round < 2; round++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StatusAsync(_replicas[i].ChatAsync(secret, question: $"question {round}.{i}", conversation: "race"))));
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        }

        var saved = (await _replicas[0].Store.ListAsync()).Single(c => c.TurnCount > 0);
        var messages = (await _replicas[0].Store.LoadAsync(saved.Id)).Messages.Select(m => m.Message.Text).ToList();
        Assert.Equal(12, messages.Count);
        for (int i = 0; i < messages.Count; i += 2)
        {
            Assert.Equal("Echo: " + messages[i], messages[i + 1]); // each question is followed by its own answer
        }

        Assert.Equal(
            Enumerable.Range(0, 2).SelectMany(round => Enumerable.Range(0, 3).Select(i => $"question {round}.{i}")).Order(),
            messages.Where((_, i) => i % 2 == 0).Order());
    }

    [SkippableFact]
    public async Task Replicas_DatabaseRestartedWhileAReplicaIdles_ThatReplicaFailsAtMostOnceThenServes()
    {
        server.SkipIfUnavailable();
        string secret = await CreateKeyAsync("team", ApiKeyLimits.None);
        var idle = _replicas[2];
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => StatusAsync(idle.ChatAsync(secret)))), s => Assert.Equal(HttpStatusCode.OK, s));
        await Task.Delay(500); // the history writer's saves return their connections to the pool too

        await server.StopAsync();
        await server.StartAsync();

        // The pool's idle connections died with the server: the first request finds one broken (503) and Npgsql clears
        // the pool, so the next ones connect anew.
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++)
        {
            statuses.Add(await StatusAsync(idle.ChatAsync(secret)));
        }

        Assert.True(statuses.Skip(1).All(s => s == HttpStatusCode.OK), "after the restart: " + string.Join(", ", statuses));
    }

    [SkippableFact]
    public async Task Replicas_DatabaseStoppedUnderLoad_Answer503FastAndRecoverWhenItReturns()
    {
        server.SkipIfUnavailable();
        string secret = await CreateKeyAsync("team", new ApiKeyLimits(DailyUsd: 100m));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_replicas[0].ChatAsync(secret)));

        try
        {
            // Requests in flight while the server stops, then requests while it is down: each answers, none hangs.
            var load = Enumerable.Range(0, 12).Select(i => BodyAsync(_replicas[i % 3].ChatAsync(secret), TimeSpan.FromSeconds(10))).ToList();
            await server.StopAsync();
            var during = await Task.WhenAll(load.Concat(Enumerable.Range(0, 6).Select(i => BodyAsync(_replicas[i % 3].ChatAsync(secret), TimeSpan.FromSeconds(10)))));

            var refused = during.Where(r => r.Status != HttpStatusCode.OK).ToList();
            Assert.NotEmpty(refused);
            Assert.All(refused, r =>
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
                Assert.Equal("server_error", r.Body["error"]?["type"]?.GetValue<string>());
                Assert.Equal("service_unavailable", r.Body["error"]?["code"]?.GetValue<string>());
            });
        }
        finally
        {
            await server.StartAsync();
        }

        // Service resumes by itself on every replica.
        foreach (var replica in _replicas)
        {
            await EventuallyAsync(async () => await StatusAsync(replica.ChatAsync(secret)) == HttpStatusCode.OK ? true : (bool?)null, TimeSpan.FromSeconds(30));
        }

        // Every saved turn is whole: the history writers retried through the outage.
        await EventuallyAsync(
            async () =>
            {
                foreach (var item in await _replicas[0].Store.ListAsync())
                {
                    var conversation = await _replicas[0].Store.LoadAsync(item.Id);
                    if (conversation.Turns.Count == 0 || conversation.Turns.Any(t => t.Status != TurnStatus.Complete))
                    {
                        return (bool?)null;
                    }
                }

                return true;
            },
            TimeSpan.FromSeconds(60));
    }

    private async Task<string> CreateKeyAsync(string name, ApiKeyLimits limits)
    {
        string secret = "pk-" + Guid.NewGuid().ToString("N");
        Assert.NotNull(await _replicas[0].Store.CreateKeyAsync(name, secret, limits));
        return secret;
    }

    private static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return response.StatusCode;
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> BodyAsync(Task<HttpResponseMessage> sending, TimeSpan? bound = null)
    {
        var waited = await Task.WhenAny(sending, Task.Delay(bound ?? TimeSpan.FromSeconds(30)));
        Assert.True(waited == sending, "a request hung instead of answering");
        using var response = await sending;
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                if (await probe() is { } found)
                {
                    return found;
                }
            }
            catch (ParleyStorageException) when (DateTime.UtcNow < deadline)
            {
                // The database is still coming back.
            }

            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(100);
        }
    }
}
