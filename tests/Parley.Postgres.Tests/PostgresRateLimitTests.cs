using Parley.Tests.Storage;

namespace Parley.Postgres.Tests;

/// <summary><see cref="IApiKeyStore.TryAcquireRateAsync"/> on PostgreSQL: one window per key, shared by every store (replica) on the database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRateLimitTests(PostgresServer server)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task SharesRateLimits_PostgresStore_TrueSoReplicasShareTheWindow()
    {
        server.SkipIfUnavailable();
        await using var store = await PostgresConversationStore.OpenAsync(await server.CreateDatabaseAsync());
        IApiKeyStore keys = store;

        Assert.True(keys.SharesRateLimits);
    }

    [SkippableFact]
    public async Task TryAcquireRate_RequestsPerMinuteFromTwoStores_CountedTogetherUntilTheMinutePasses()
    {
        server.SkipIfUnavailable();
        var clock = new ManualTimeProvider(Start);
        string url = await server.CreateDatabaseAsync();
        await using var first = await PostgresConversationStore.OpenAsync(url, new ConversationStoreOptions { TimeProvider = clock });
        await using var second = await PostgresConversationStore.OpenAsync(url, new ConversationStoreOptions { TimeProvider = clock });
        var key = await first.CreateKeyAsync("team", "pk-secret", new ApiKeyLimits(RequestsPerMinute: 2));

        Assert.True((await first.TryAcquireRateAsync(key!.Id, 2, null, 10)).Allowed);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await second.TryAcquireRateAsync(key.Id, 2, null, 10)).Allowed);
        var refused = await second.TryAcquireRateAsync(key.Id, 2, null, 10);
        clock.Advance(TimeSpan.FromSeconds(41));
        var later = await first.TryAcquireRateAsync(key.Id, 2, null, 10);

        Assert.Equal(new RateLimitAcquisition(false, "requests", 2, 2, TimeSpan.FromSeconds(40)), refused);
        Assert.True(later.Allowed);
    }

    [SkippableFact]
    public async Task TryAcquireRate_TokensPerMinute_RefusesWhatDoesNotFitAndNoWaitForWhatNeverFits()
    {
        server.SkipIfUnavailable();
        var clock = new ManualTimeProvider(Start);
        await using var store = await PostgresConversationStore.OpenAsync(await server.CreateDatabaseAsync(), new ConversationStoreOptions { TimeProvider = clock });
        var key = await store.CreateKeyAsync("team", "pk-secret", new ApiKeyLimits(TokensPerMinute: 1000));

        Assert.True((await store.TryAcquireRateAsync(key!.Id, null, 1000, 700)).Allowed);
        var full = await store.TryAcquireRateAsync(key.Id, null, 1000, 400);
        var never = await store.TryAcquireRateAsync(key.Id, null, 1000, 1001);

        Assert.Equal(new RateLimitAcquisition(false, "tokens", 1000, 700, TimeSpan.FromMinutes(1)), full);
        Assert.Equal(new RateLimitAcquisition(false, "tokens", 1000, 700, null), never);
    }

    [SkippableFact]
    public async Task TryAcquireRate_ConcurrentFromThreeStores_AdmitsExactlyTheLimit()
    {
        server.SkipIfUnavailable();
        string url = await server.CreateDatabaseAsync();
        var stores = new List<PostgresConversationStore>();
        for (int i = 0; i < 3; i++)
        {
            stores.Add(await PostgresConversationStore.OpenAsync(url));
        }

        try
        {
            var key = await stores[0].CreateKeyAsync("team", "pk-secret", new ApiKeyLimits(RequestsPerMinute: 7));

            var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => stores[i % 3].TryAcquireRateAsync(key!.Id, 7, null, 1)));

            Assert.Equal(7, results.Count(r => r.Allowed));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
