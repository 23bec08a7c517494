using System.Text.Json;

namespace Parley.Server.Tests.WebApi;

/// <summary><c>GET /v1/parley/me</c>: the key's name, models and what its budgets have left.</summary>
public sealed class MeEndpointTests
{
    [Fact]
    public async Task Me_KeyWithBudgetsAfterAChat_SpentIsTheChatsCostAndLeftTheRest()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada", new ApiKeyLimits(DailyUsd: 1m, MonthlyUsd: 10m, Models: ["gpt-4o-mini"]));
        var cost = (await ada.ChatAsync("chat-1", "hello")).GetProperty("usage").GetProperty("cost_usd").GetDecimal();

        var me = await ada.GetAsync("/v1/parley/me");

        Assert.Equal("ada", me.GetProperty("key_name").GetString());
        Assert.Equal(["gpt-4o-mini"], me.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        var daily = me.GetProperty("budget").GetProperty("daily");
        Assert.Equal(1m, daily.GetProperty("limit_usd").GetDecimal());
        Assert.Equal(cost, daily.GetProperty("spent_usd").GetDecimal());
        Assert.Equal(1m - cost, daily.GetProperty("left_usd").GetDecimal());
        var monthly = me.GetProperty("budget").GetProperty("monthly");
        Assert.Equal(10m, monthly.GetProperty("limit_usd").GetDecimal());
        Assert.Equal(10m - cost, monthly.GetProperty("left_usd").GetDecimal());
    }

    [Fact]
    public async Task Me_KeyWithoutLimits_NullLimitsAndModels()
    {
        await using var server = await WebChatGateway.StartAsync();
        var bob = await server.KeyAsync("bob");

        var me = await bob.GetAsync("/v1/parley/me");

        Assert.Equal(JsonValueKind.Null, me.GetProperty("models").ValueKind);
        var daily = me.GetProperty("budget").GetProperty("daily");
        Assert.Equal(JsonValueKind.Null, daily.GetProperty("limit_usd").ValueKind);
        Assert.Equal(0m, daily.GetProperty("spent_usd").GetDecimal());
        Assert.Equal(JsonValueKind.Null, daily.GetProperty("left_usd").ValueKind);
    }
}
