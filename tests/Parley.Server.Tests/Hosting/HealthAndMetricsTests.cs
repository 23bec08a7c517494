using System.Net;
using System.Text.RegularExpressions;
using Parley.TestServer;

namespace Parley.Server.Tests;

public sealed class HealthAndMetricsTests
{
    [Fact]
    public async Task Healthz_WithoutKey_Ok()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: new TestGate { KnownToken = "vk-1" });

        using var response = await gateway.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ok", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterRequests_CountsRequestsErrorsTokensCostAndLatencyByModelAndKey()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text("a b", promptTokens: 100, completionTokens: 7));
        upstream.Enqueue(ScriptedResponse.Text("c d").WithChunks("c ", "d"));
        (await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "one"))).Dispose();
        using (var stream = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "two", stream: true)))
        {
            await stream.Content.ReadAsStringAsync();
        }

        (await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("missing-model", "three"))).Dispose();

        var text = await gateway.Client.GetStringAsync("/metrics");

        Assert.Contains("parley_gateway_requests_total{model=\"gpt-4o-mini\",key=\"anonymous\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("parley_gateway_errors_total{model=\"\",key=\"anonymous\"} 1\n", text, StringComparison.Ordinal);
        var prompt = Regex.Match(text, "parley_gateway_tokens_total\\{model=\"gpt-4o-mini\",key=\"anonymous\",type=\"prompt\"\\} (\\d+)");
        Assert.True(prompt.Success && long.Parse(prompt.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 100, text);
        Assert.Matches("parley_gateway_cost_usd_total\\{model=\"gpt-4o-mini\",key=\"anonymous\"\\} 0\\.0000\\d+", text);
        Assert.Contains("parley_gateway_request_duration_seconds_count{model=\"gpt-4o-mini\",key=\"anonymous\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("parley_gateway_time_to_first_token_seconds_count{model=\"gpt-4o-mini\",key=\"anonymous\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE parley_gateway_request_duration_seconds histogram", text, StringComparison.Ordinal);
    }
}
