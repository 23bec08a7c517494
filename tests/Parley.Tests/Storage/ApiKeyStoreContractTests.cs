namespace Parley.Tests.Storage;

/// <summary>
/// Behaviour every virtual-key store must share; run once per store by a derived class whose only job is to open its
/// store (SQLite file, SQLite in memory; a PostgreSQL store adds one more).
/// </summary>
public abstract class ApiKeyStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset LateOnTheLastDayOfMonth = new(2026, 11, 30, 23, 59, 0, TimeSpan.Zero);

    private readonly List<IAsyncDisposable> _opened = [];

    /// <summary>Opens the store under test; the test disposes it.</summary>
    protected abstract Task<IApiKeyStore> OpenStoreAsync(ConversationStoreOptions? options);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    protected async Task<IApiKeyStore> OpenAsync(TimeProvider? clock = null)
    {
        var store = await OpenStoreAsync(clock is null ? null : new ConversationStoreOptions { TimeProvider = clock });
        if (store is IAsyncDisposable disposable)
        {
            _opened.Add(disposable);
        }

        return store;
    }

    protected static string NewSecret() => "pk-test-" + Guid.NewGuid().ToString("N");

    [SkippableFact]
    public async Task CreateKey_Then_FindKeyBySecretReturnsItWithItsLimits()
    {
        var store = await OpenAsync();
        string secret = NewSecret();
        var limits = new ApiKeyLimits(DailyUsd: 5m, MonthlyUsd: 50.25m, Models: ["gpt-4o-mini", "gpt-4o"], RequestsPerMinute: 60, TokensPerMinute: 10_000);

        var created = await store.CreateKeyAsync("alice", secret, limits);
        var found = await store.FindKeyAsync(secret);

        Assert.NotNull(created);
        Assert.NotNull(found);
        Assert.Equal(created.Id, found.Id);
        Assert.Equal("alice", found.Name);
        Assert.Equal((5m, 50.25m, 60, 10_000), (found.Limits.DailyUsd, found.Limits.MonthlyUsd, found.Limits.RequestsPerMinute, found.Limits.TokensPerMinute));
        Assert.Equal(["gpt-4o-mini", "gpt-4o"], found.Limits.Models);
        Assert.Null(found.RevokedAt);
    }

    [SkippableFact]
    public async Task CreateKey_WithContextPolicy_FindAndListReturnIt()
    {
        var store = await OpenAsync();
        string secret = NewSecret();

        await store.CreateKeyAsync("alice", secret, new ApiKeyLimits { ContextPolicy = "last:4" });
        await store.CreateKeyAsync("bob", NewSecret(), ApiKeyLimits.None);

        Assert.Equal("last:4", (await store.FindKeyAsync(secret))!.Limits.ContextPolicy);
        Assert.Equal(["last:4", null], (await store.ListKeysAsync()).Select(k => k.Limits.ContextPolicy));
    }

    [SkippableFact]
    public async Task FindKey_WrongSecret_ReturnsNull()
    {
        var store = await OpenAsync();
        await store.CreateKeyAsync("alice", NewSecret(), ApiKeyLimits.None);

        Assert.Null(await store.FindKeyAsync(NewSecret()));
    }

    [SkippableFact]
    public async Task CreateKey_DuplicateName_ReturnsNullAndKeepsTheFirst()
    {
        var store = await OpenAsync();
        string first = NewSecret();
        await store.CreateKeyAsync("alice", first, ApiKeyLimits.None);

        Assert.Null(await store.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(DailyUsd: 1m)));
        Assert.Equal("alice", (await store.FindKeyAsync(first))?.Name);
        Assert.Single(await store.ListKeysAsync());
    }

    [SkippableFact]
    public async Task RevokeKey_Known_FindShowsItRevoked_UnknownReturnsFalse()
    {
        var clock = new ManualTimeProvider(LateOnTheLastDayOfMonth);
        var store = await OpenAsync(clock);
        string secret = NewSecret();
        await store.CreateKeyAsync("alice", secret, ApiKeyLimits.None);

        Assert.True(await store.RevokeKeyAsync("alice"));
        Assert.False(await store.RevokeKeyAsync("bob"));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await store.RevokeKeyAsync("alice"));

        Assert.Equal(LateOnTheLastDayOfMonth, (await store.FindKeyAsync(secret))?.RevokedAt);
    }

    [SkippableFact]
    public async Task ListKeys_NewStore_Empty_ThenEveryKeyOldestFirst()
    {
        var store = await OpenAsync();
        Assert.Empty(await store.ListKeysAsync());

        await store.CreateKeyAsync("bob", NewSecret(), ApiKeyLimits.None);
        await store.CreateKeyAsync("alice", NewSecret(), ApiKeyLimits.None);
        await store.RevokeKeyAsync("bob");

        var keys = await store.ListKeysAsync();
        Assert.Equal(["bob", "alice"], keys.Select(k => k.Name));
        Assert.NotNull(keys[0].RevokedAt);
    }

    [SkippableFact]
    public async Task Reserve_FiftyConcurrentAgainstOneBudget_NeverExceedsIt()
    {
        var store = await OpenAsync();
        var key = await store.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(DailyUsd: 1m));

        var reservations = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => store.ReserveAsync(key!.Id, 0.03m))));

        Assert.Equal(33, reservations.Count(r => r.Granted));
        var spent = (await store.ListKeysAsync()).Single().SpentTodayUsd;
        Assert.Equal(0.99m, spent);
        Assert.All(reservations.Where(r => !r.Granted), r => Assert.True(r.RemainingDailyUsd < 0.03m));
    }

    [SkippableFact]
    public async Task Reserve_OverEitherBudget_RefusedWithWhatIsLeftAndChangesNothing()
    {
        var store = await OpenAsync();
        var key = await store.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(DailyUsd: 2m, MonthlyUsd: 1m));

        var first = await store.ReserveAsync(key!.Id, 0.75m);
        var second = await store.ReserveAsync(key.Id, 0.5m);

        Assert.True(first.Granted);
        Assert.Equal((1.25m, 0.25m), (first.RemainingDailyUsd, first.RemainingMonthlyUsd));
        Assert.False(second.Granted);
        Assert.Equal((1.25m, 0.25m), (second.RemainingDailyUsd, second.RemainingMonthlyUsd));
        Assert.Equal(0.75m, (await store.ListKeysAsync()).Single().SpentThisMonthUsd);
    }

    [SkippableFact]
    public async Task Reserve_NoBudget_AlwaysGrantedAndCounted()
    {
        var store = await OpenAsync();
        var key = await store.CreateKeyAsync("alice", NewSecret(), ApiKeyLimits.None);

        var reservation = await store.ReserveAsync(key!.Id, 1000m);

        Assert.True(reservation.Granted);
        Assert.Null(reservation.RemainingDailyUsd);
        Assert.Equal(1000m, (await store.ListKeysAsync()).Single().SpentTodayUsd);
    }

    [SkippableFact]
    public async Task Settle_ReplacesTheReservationByTheRealCost()
    {
        var store = await OpenAsync();
        var key = await store.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(DailyUsd: 1m));
        var reservation = await store.ReserveAsync(key!.Id, 0.9m);

        await store.SettleAsync(reservation, 0.0125m);

        var listed = (await store.ListKeysAsync()).Single();
        Assert.Equal((0.0125m, 0.0125m), (listed.SpentTodayUsd, listed.SpentThisMonthUsd));
        Assert.True((await store.ReserveAsync(key.Id, 0.9m)).Granted);
    }

    [SkippableFact]
    public async Task Release_ReturnsTheReservation()
    {
        var store = await OpenAsync();
        var key = await store.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(DailyUsd: 1m));
        var reservation = await store.ReserveAsync(key!.Id, 1m);
        Assert.False((await store.ReserveAsync(key.Id, 0.01m)).Granted);

        await store.ReleaseAsync(reservation);

        Assert.Equal(0m, (await store.ListKeysAsync()).Single().SpentTodayUsd);
        Assert.True((await store.ReserveAsync(key.Id, 1m)).Granted);
    }

    [SkippableFact]
    public async Task Reserve_NextUtcDay_DailyBudgetStartsAgainMonthlyCarriesOn()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 10, 23, 59, 0, TimeSpan.Zero));
        var store = await OpenAsync(clock);
        var key = await store.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(DailyUsd: 1m, MonthlyUsd: 1.5m));
        Assert.True((await store.ReserveAsync(key!.Id, 1m)).Granted);
        Assert.False((await store.ReserveAsync(key.Id, 0.5m)).Granted);

        clock.Advance(TimeSpan.FromMinutes(2));
        var nextDay = await store.ReserveAsync(key.Id, 0.5m);
        var overMonth = await store.ReserveAsync(key.Id, 0.01m);

        Assert.True(nextDay.Granted);
        Assert.Equal(new DateOnly(2026, 11, 11), nextDay.Day);
        Assert.False(overMonth.Granted);
        Assert.Equal((0.5m, 0m), (overMonth.RemainingDailyUsd, overMonth.RemainingMonthlyUsd));
    }

    [SkippableFact]
    public async Task Reserve_NextUtcMonth_MonthlyBudgetStartsAgain()
    {
        var clock = new ManualTimeProvider(LateOnTheLastDayOfMonth);
        var store = await OpenAsync(clock);
        var key = await store.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(MonthlyUsd: 1m));
        Assert.True((await store.ReserveAsync(key!.Id, 1m)).Granted);

        // 00:30 on December 1st in UTC, though still November 30th in New York: the month is UTC's.
        clock.Set(new DateTimeOffset(2026, 11, 30, 19, 30, 0, TimeSpan.FromHours(-5)));
        var reservation = await store.ReserveAsync(key.Id, 1m);

        Assert.True(reservation.Granted);
        Assert.Equal(new DateOnly(2026, 12, 1), reservation.Day);
        Assert.Equal(1m, (await store.ListKeysAsync()).Single().SpentThisMonthUsd);
    }

    [SkippableFact]
    public async Task Settle_AfterMidnight_CountsInTheDayOfTheReservation()
    {
        var clock = new ManualTimeProvider(LateOnTheLastDayOfMonth);
        var store = await OpenAsync(clock);
        var key = await store.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(DailyUsd: 1m));
        var reservation = await store.ReserveAsync(key!.Id, 0.5m);

        clock.Advance(TimeSpan.FromMinutes(5));
        await store.SettleAsync(reservation, 0.25m);

        var listed = (await store.ListKeysAsync()).Single();
        Assert.Equal((0m, 0m), (listed.SpentTodayUsd, listed.SpentThisMonthUsd));
        clock.Set(LateOnTheLastDayOfMonth);
        Assert.Equal(0.25m, (await store.ListKeysAsync()).Single().SpentTodayUsd);
    }
}
