using Microsoft.Extensions.DependencyInjection;

namespace Parley.Server.Tests.Keys;

public sealed class KeyRequestGateTests
{
    private static GateRequest Request(string model = "gpt-4o-mini", decimal? worstCaseUsd = 0.01m, long prompt = 100, long maxOutput = 1000) =>
        new(model, prompt, maxOutput, worstCaseUsd);

    private static async Task<GatewayError> RefusedAsync(KeyRequestGate gate, GateKey key, GateRequest request)
    {
        var decision = await gate.AdmitAsync(key, request, CancellationToken.None);
        Assert.Null(decision.Ticket);
        return Assert.IsType<GatewayError>(decision.Error);
    }

    private static async Task<IGateTicket> AdmittedAsync(KeyRequestGate gate, GateKey key, GateRequest request)
    {
        var decision = await gate.AdmitAsync(key, request, CancellationToken.None);
        Assert.Null(decision.Error);
        return Assert.IsAssignableFrom<IGateTicket>(decision.Ticket);
    }

    private static void AssertOpenAIError(GatewayError error, int status, string type, string code)
    {
        Assert.Equal((status, type, code), (error.Status, error.Type, error.Code));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public async Task Authenticate_NoKeysCreated_NobodyAndTheErrorSaysHowToCreateOne()
    {
        await using var fixture = await GateFixture.OpenAsync();

        Assert.Null(await fixture.Gate.AuthenticateAsync("pk-anything", CancellationToken.None));
        var error = await fixture.Gate.UnauthenticatedErrorAsync("pk-anything", CancellationToken.None);

        AssertOpenAIError(error, 401, "invalid_request_error", "invalid_api_key");
        Assert.Contains("parley keys create NAME", error.Message);
    }

    [Fact]
    public async Task UnauthenticatedError_FirstKeyCreatedMeanwhile_SaysWrongKeyAtOnce()
    {
        await using var fixture = await GateFixture.OpenAsync();
        Assert.Contains("No virtual keys exist yet", (await fixture.Gate.UnauthenticatedErrorAsync("pk-wrong", CancellationToken.None)).Message);

        await fixture.Store.CreateKeyAsync("alice", "pk-" + Guid.NewGuid().ToString("N"), ApiKeyLimits.None);

        Assert.Contains("Incorrect API key", (await fixture.Gate.UnauthenticatedErrorAsync("pk-wrong", CancellationToken.None)).Message);
    }

    [Theory]
    [InlineData(null, "didn't provide an API key")]
    [InlineData("", "didn't provide an API key")]
    [InlineData("pk-wrong", "Incorrect API key")]
    public async Task Authenticate_MissingOrWrongKey_Nobody401InvalidApiKey(string? bearer, string expected)
    {
        await using var fixture = await GateFixture.OpenAsync();
        await fixture.CreateKeyAsync("alice", ApiKeyLimits.None);

        Assert.Null(await fixture.Gate.AuthenticateAsync(bearer, CancellationToken.None));
        var error = await fixture.Gate.UnauthenticatedErrorAsync(bearer, CancellationToken.None);

        AssertOpenAIError(error, 401, "invalid_request_error", "invalid_api_key");
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Authenticate_RightKey_TheKeyWithItsNameAndModels()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (secret, created) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(Models: ["gpt-4o-mini"]));

        var key = await fixture.Gate.AuthenticateAsync(secret, CancellationToken.None);

        Assert.Equal("alice", key?.Name);
        Assert.Equal(created.Id, key?.Id);
        Assert.Equal(["gpt-4o-mini"], key?.Models);
    }

    [Fact]
    public async Task Authenticate_Revoked_RefusedOnceTheCacheSecondHasPassed()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (secret, _) = await fixture.CreateKeyAsync("alice", ApiKeyLimits.None);

        // Revoked by another process (parley keys revoke) through its own connection.
        await using (var cli = await SqliteConversationStore.OpenAsync(fixture.DatabasePath))
        {
            Assert.True(await cli.RevokeKeyAsync("alice"));
        }

        fixture.Clock.Advance(KeyRequestGate.CacheTime);
        Assert.Null(await fixture.Gate.AuthenticateAsync(secret, CancellationToken.None));
        var error = await fixture.Gate.UnauthenticatedErrorAsync(secret, CancellationToken.None);
        AssertOpenAIError(error, 401, "invalid_request_error", "invalid_api_key");
        Assert.Contains("revoked", error.Message);
    }

    [Fact]
    public async Task Admit_ModelOutsideTheKeysList_403ModelNotFound()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(Models: ["gpt-4o-mini"]));

        var error = await RefusedAsync(fixture.Gate, key, Request(model: "gpt-4o"));

        AssertOpenAIError(error, 403, "invalid_request_error", "model_not_found");
        Assert.Equal("model", error.Param);
        await using var ticket = await AdmittedAsync(fixture.Gate, key, Request(model: "gpt-4o-mini"));
    }

    [Fact]
    public async Task Admit_BudgetAndUnknownPrice_403ModelPriceUnknown()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, budgeted) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m));
        var (_, open) = await fixture.CreateKeyAsync("bob", ApiKeyLimits.None);

        var error = await RefusedAsync(fixture.Gate, budgeted, Request(model: "my-local-model", worstCaseUsd: null));

        AssertOpenAIError(error, 403, "invalid_request_error", "model_price_unknown");
        Assert.Equal("false", error.Headers["x-should-retry"]);
        await using var ticket = await AdmittedAsync(fixture.Gate, open, Request(model: "my-local-model", worstCaseUsd: null));
    }

    [Fact]
    public async Task Admit_BudgetExhausted_429InsufficientQuotaWithWhatIsLeftAndNoRetry()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 0.05m));
        await using var first = await AdmittedAsync(fixture.Gate, key, Request(worstCaseUsd: 0.04m));

        var error = await RefusedAsync(fixture.Gate, key, Request(worstCaseUsd: 0.02m));

        AssertOpenAIError(error, 429, "insufficient_quota", "insufficient_quota");
        Assert.Equal("false", error.Headers["x-should-retry"]);
        Assert.Contains("$0.01 left today", error.Message);
        Assert.Contains("$0.02", error.Message);
    }

    [Fact]
    public async Task Admit_TicketSettled_TheRealCostReplacesTheWorstCase()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m));

        await using (var ticket = await AdmittedAsync(fixture.Gate, key, Request(worstCaseUsd: 0.9m)))
        {
            await ticket.SettleAsync(100, 20, 0.0015m, CancellationToken.None);
        }

        Assert.Equal(0.0015m, (await fixture.Store.ListKeysAsync()).Single().SpentTodayUsd);
        await using var next = await AdmittedAsync(fixture.Gate, key, Request(worstCaseUsd: 0.9m));
    }

    [Fact]
    public async Task Admit_TicketDisposedUnsettled_ReleasesTheReservation()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m));

        await using (await AdmittedAsync(fixture.Gate, key, Request(worstCaseUsd: 1m)))
        {
            Assert.Equal(1m, (await fixture.Store.ListKeysAsync()).Single().SpentTodayUsd);
        }

        Assert.Equal(0m, (await fixture.Store.ListKeysAsync()).Single().SpentTodayUsd);
    }

    [Fact]
    public async Task Admit_ManyInParallel_NeverOverspend()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 1m, MonthlyUsd: 1m));

        var decisions = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ =>
            Task.Run(async () => await fixture.Gate.AdmitAsync(key, Request(worstCaseUsd: 0.07m), CancellationToken.None))));

        Assert.Equal(14, decisions.Count(d => d.Ticket is not null));
        Assert.All(decisions.Where(d => d.Ticket is null), d => Assert.Equal("insufficient_quota", d.Error?.Code));
        foreach (var ticket in decisions.Select(d => d.Ticket).OfType<IGateTicket>())
        {
            await ticket.SettleAsync(100, 1000, 0.07m, CancellationToken.None);
        }

        Assert.Equal(0.98m, (await fixture.Store.ListKeysAsync()).Single().SpentTodayUsd);
    }

    [Fact]
    public async Task Admit_OverRequestsPerMinute_429RateLimitExceededWithRetryAfter()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(RequestsPerMinute: 2));
        await using var first = await AdmittedAsync(fixture.Gate, key, Request());
        fixture.Clock.Advance(TimeSpan.FromSeconds(20));
        await using var second = await AdmittedAsync(fixture.Gate, key, Request());

        var error = await RefusedAsync(fixture.Gate, key, Request());

        AssertOpenAIError(error, 429, "requests", "rate_limit_exceeded");
        Assert.Equal("40", error.Headers["Retry-After"]);
        fixture.Clock.Advance(TimeSpan.FromSeconds(40));
        await using var third = await AdmittedAsync(fixture.Gate, key, Request());
    }

    [Fact]
    public async Task Admit_OverTokensPerMinute_429RateLimitExceededWithRetryAfter()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(TokensPerMinute: 2000));
        await using var first = await AdmittedAsync(fixture.Gate, key, Request(prompt: 100, maxOutput: 1000));
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));

        var error = await RefusedAsync(fixture.Gate, key, Request(prompt: 100, maxOutput: 1000));

        AssertOpenAIError(error, 429, "tokens", "rate_limit_exceeded");
        Assert.Equal("30", error.Headers["Retry-After"]);
    }

    [Fact]
    public async Task Admit_RequestAloneOverTokensPerMinute_429WithoutRetry()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var (_, key) = await fixture.CreateKeyAsync("alice", new ApiKeyLimits(TokensPerMinute: 500));

        var error = await RefusedAsync(fixture.Gate, key, Request(prompt: 100, maxOutput: 1000));

        AssertOpenAIError(error, 429, "tokens", "rate_limit_exceeded");
        Assert.Equal("false", error.Headers["x-should-retry"]);
        Assert.False(error.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task AddParleyKeyGate_WithAConversationStore_ResolvesTheKeyGate()
    {
        await using var fixture = await GateFixture.OpenAsync();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddSingleton<IConversationStore>(fixture.Store)
            .AddParleyKeyGate();
        await using var provider = services.BuildServiceProvider();

        var gate = provider.GetRequiredService<IRequestGate>();

        Assert.IsType<KeyRequestGate>(gate);
        Assert.Null(await gate.AuthenticateAsync("pk-nobody", CancellationToken.None));
    }
}
