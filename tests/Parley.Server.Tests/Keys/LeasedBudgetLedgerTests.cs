using Microsoft.Extensions.DependencyInjection;

namespace Parley.Server.Tests.Keys;

/// <summary>
/// The budgets of a gateway on SQLite: reserved from in-process leases, exact against concurrency, a second gateway on
/// the same file, a crash and the UTC day turning.
/// </summary>
public sealed class LeasedBudgetLedgerTests
{
    private static GateRequest Request(decimal worstCaseUsd) => new("gpt-4o-mini", 100, 1000, worstCaseUsd);

    /// <summary>A gate as `parley serve` builds it on a SQLite store; the ledger sweeps only when the test asks.</summary>
    private static (KeyRequestGate Gate, LeasedBudgetLedger Ledger) LeasedGate(GateFixture fixture, IApiKeyStore? store = null)
    {
        var ledger = new LeasedBudgetLedger(store ?? fixture.Store, fixture.Clock, sweep: false);
        return (new KeyRequestGate(store ?? fixture.Store, new SlidingWindowRateLimiter(fixture.Clock), fixture.Clock, ledger), ledger);
    }

    private static async Task<IGateTicket> AdmittedAsync(KeyRequestGate gate, GateKey key, decimal worstCaseUsd)
    {
        var decision = await gate.AdmitAsync(key, Request(worstCaseUsd), CancellationToken.None);
        Assert.Null(decision.Error);
        return Assert.IsAssignableFrom<IGateTicket>(decision.Ticket);
    }

    private static async Task<ApiKeyRecord> KeyAsync(GateFixture fixture) => (await fixture.Store.ListKeysAsync()).Single();

    [Fact]
    public async Task GatewayOnSqlite_SequentialRequests_FewReachTheStore()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var store = new CountingKeyStore(fixture.Store);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(fixture.Clock);
        services.AddSingleton<IApiKeyStore>(store);
        services.AddParleyKeyGate();
        await using var provider = services.BuildServiceProvider();
        var gate = provider.GetRequiredService<IRequestGate>();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1000m));

        for (int i = 0; i < 100; i++)
        {
            await using var ticket = (await gate.AdmitAsync(key, Request(0.01m), CancellationToken.None)).Ticket!;
            await ticket.SettleAsync(100, 10, 0.001m, CancellationToken.None);
        }

        // Before: a reservation and a settlement in the database for each of the 100 requests.
        Assert.InRange(store.Reserves + store.Settles, 1, 10);
    }

    [Fact]
    public async Task Admit_64ConcurrentAgainstASmallBudget_NeverOverspend()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (gate, ledger) = LeasedGate(fixture);
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m, MonthlyUsd: 1m));

        var decisions = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ =>
            Task.Run(async () => await gate.AdmitAsync(key, Request(0.07m), CancellationToken.None))));

        Assert.Equal(14, decisions.Count(d => d.Ticket is not null));
        Assert.All(decisions.Where(d => d.Ticket is null), d => Assert.Equal("insufficient_quota", d.Error?.Code));
        foreach (var ticket in decisions.Select(d => d.Ticket).OfType<IGateTicket>())
        {
            await ticket.SettleAsync(100, 1000, 0.07m, CancellationToken.None);
        }

        await ledger.FlushAsync(CancellationToken.None);
        Assert.Equal(0.98m, (await KeyAsync(fixture)).SpentTodayUsd);
    }

    [Fact]
    public async Task Admit_TwoGatewaysOnOneSqliteFile_NeverOverspendTogether()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (first, firstLedger) = LeasedGate(fixture);
        await using var otherStore = await SqliteConversationStore.OpenAsync(fixture.DatabasePath, new ConversationStoreOptions { TimeProvider = fixture.Clock });
        var otherLedger = new LeasedBudgetLedger(otherStore, fixture.Clock, sweep: false);
        var second = new KeyRequestGate(otherStore, new SlidingWindowRateLimiter(fixture.Clock), fixture.Clock, otherLedger);
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m));

        var decisions = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? first : second).AdmitAsync(key, Request(0.07m), CancellationToken.None))));
        foreach (var ticket in decisions.Select(d => d.Ticket).OfType<IGateTicket>())
        {
            await ticket.SettleAsync(100, 1000, 0.07m, CancellationToken.None);
        }

        await firstLedger.FlushAsync(CancellationToken.None);
        await otherLedger.FlushAsync(CancellationToken.None);
        int admitted = decisions.Count(d => d.Ticket is not null);
        Assert.InRange(admitted, 1, 14);
        Assert.Equal(admitted * 0.07m, (await KeyAsync(fixture)).SpentTodayUsd);
    }

    [Fact]
    public async Task Restart_AfterACrashBeforeTheLeaseWasWritten_KeyCannotSpendPastItsLimit()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m));
        var (crashed, _) = LeasedGate(fixture);
        for (int i = 0; i < 5; i++)
        {
            await using var ticket = await AdmittedAsync(crashed, key, 0.1m);
            await ticket.SettleAsync(100, 1000, 0.1m, CancellationToken.None);
        }

        // The process dies: its ledger is never flushed. What the store counts covers what was spent.
        Assert.InRange((await KeyAsync(fixture)).SpentTodayUsd, 0.5m, 1m);
        var (restarted, _) = LeasedGate(fixture);
        int admittedAfter = 0;
        while ((await restarted.AdmitAsync(key, Request(0.1m), CancellationToken.None)).Ticket is { } ticket)
        {
            await ticket.SettleAsync(100, 1000, 0.1m, CancellationToken.None);
            admittedAfter++;
        }

        Assert.InRange(0.5m + (admittedAfter * 0.1m), 0.5m, 1m);
    }

    [Fact]
    public async Task Flush_AfterSettles_StoreShowsTheRealSpend()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (gate, ledger) = LeasedGate(fixture);
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m));

        await using (var ticket = await AdmittedAsync(gate, key, 0.9m))
        {
            await ticket.SettleAsync(100, 20, 0.0015m, CancellationToken.None);
        }

        await using (await AdmittedAsync(gate, key, 0.9m))
        {
            // Disposed unsettled: released.
        }

        await ledger.FlushAsync(CancellationToken.None);
        Assert.Equal(0.0015m, (await KeyAsync(fixture)).SpentTodayUsd);
    }

    [Fact]
    public async Task Admit_BudgetNearlySpent_RefusalSaysWhatIsReallyLeft()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (gate, _) = LeasedGate(fixture);
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 0.05m));
        await using (var small = await AdmittedAsync(gate, key, 0.001m))
        {
            await small.SettleAsync(100, 10, 0.001m, CancellationToken.None);
        }

        await using var held = await AdmittedAsync(gate, key, 0.039m);
        var decision = await gate.AdmitAsync(key, Request(0.02m), CancellationToken.None);

        Assert.Equal("insufficient_quota", decision.Error?.Code);
        Assert.Contains("$0.01 left today", decision.Error!.Message);
    }

    [Fact]
    public async Task Admit_RealCostAboveTheWorstCase_WrittenAtOnce()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (gate, _) = LeasedGate(fixture);
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1000m));

        await using (var ticket = await AdmittedAsync(gate, key, 0.01m))
        {
            await ticket.SettleAsync(100, 10, 5m, CancellationToken.None);
        }

        // Never flushed (a crash): the store counts the real cost all the same.
        Assert.True((await KeyAsync(fixture)).SpentTodayUsd >= 5m);
    }

    [Fact]
    public async Task Sweep_TheUtcDayTurned_TheOldLeaseIsWrittenIntoItsDay()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (gate, ledger) = LeasedGate(fixture);
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m, MonthlyUsd: 10m));
        await using (var ticket = await AdmittedAsync(gate, key, 0.5m))
        {
            await ticket.SettleAsync(100, 10, 0.3m, CancellationToken.None);
        }

        fixture.Clock.Advance(TimeSpan.FromDays(1));
        await using (var ticket = await AdmittedAsync(gate, key, 0.9m))
        {
            await ticket.SettleAsync(100, 10, 0.2m, CancellationToken.None);
        }

        await ledger.SweepAsync(force: false, CancellationToken.None);
        var afterSweep = await KeyAsync(fixture);
        await ledger.FlushAsync(CancellationToken.None);
        var flushed = await KeyAsync(fixture);

        Assert.Equal(0.3m, afterSweep.SpentThisMonthUsd - afterSweep.SpentTodayUsd);
        Assert.Equal((0.2m, 0.5m), (flushed.SpentTodayUsd, flushed.SpentThisMonthUsd));
    }
}
