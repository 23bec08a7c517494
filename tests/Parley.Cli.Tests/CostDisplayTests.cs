using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Dollar cost in the usage line (<c>-u</c>), in <c>--json</c> and in <c>/usage</c>: never a silent 0.</summary>
public class CostDisplayTests
{
    // 1,234 prompt (200 cached) and 56 completion tokens of gpt-4o-mini: (1,034 × 0.15 + 200 × 0.075 + 56 × 0.60) / 1M = $0.0002037.
    private const string KnownLine = @"^Tokens: 1,234 in \(200 cached\) / 56 out · \$0\.000204 · (\d+\.\d s|\d+ ms)( · \d+ tok/s)?$";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OneShot_Usage_KnownPrice_ShowsTokensAndCost(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer", promptTokens: 1234, completionTokens: 56, cachedTokens: 200, model: "gpt-4o-mini-2024-07-18"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", stream ? ["-u", "-m", "gpt-4o-mini", "Hello"] : ["-u", "--no-stream", "-m", "gpt-4o-mini", "Hello"]);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("answer\n", r.Stdout);
        Assert.Matches(KnownLine, UsageLine(r.Stderr));
    }

    [Fact]
    public async Task OneShot_Usage_UnknownModel_SaysCostUnknown()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer", promptTokens: 20, completionTokens: 34));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-u", "-m", "my-own-model", "Hello");

        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^Tokens: 20 in / 34 out · cost unknown · (\d+\.\d s|\d+ ms)", UsageLine(r.Stderr));
        Assert.DoesNotContain("$", r.Stderr);
    }

    [Fact]
    public async Task OneShot_MistypedModel_PriceUnknownWithHintAndStillSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer", promptTokens: 20, completionTokens: 34));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-u", "--json", "-m", "gpt-4o-mni", "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("gpt-4o-mni", Assert.Single(server.Requests).Model);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("cost_usd").ValueKind);
        Assert.Contains("warning: gpt-4o-mni is not in the model catalog: price unknown (did you mean gpt-4o-mini?)", r.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"^Tokens: 20 in / 34 out · cost unknown · ", UsageLine(r.Stderr));
        Assert.DoesNotContain("$", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18")]
    [InlineData("ft:gpt-4o-mini-2024-07-18:my-org::9abcDEF")]
    public async Task OneShot_SnapshotOrFineTune_IsPricedWithoutWarning(string model)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer", promptTokens: 1000, completionTokens: 100));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--json", "-m", model, "hi");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("cost_usd").GetDecimal() > 0);
        Assert.DoesNotContain("price unknown", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneShot_Usage_LocalModel_CostsZeroNotUnknown()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer", promptTokens: 20, completionTokens: 34));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-u", "-m", "llama3.2", "Hello");

        Assert.Matches(@"^Tokens: 20 in / 34 out · \$0\.0000 · ", UsageLine(r.Stderr));
    }

    [Theory]
    [InlineData("gpt-4o-mini", "0.0002037")]
    [InlineData("my-own-model", null)]
    public async Task OneShot_Json_CostUsdIsANumberOrNull(string model, string? cost)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer", promptTokens: 1234, completionTokens: 56, cachedTokens: 200));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--json", "-m", model, "Hello");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var value = doc.RootElement.GetProperty("cost_usd");
        if (cost is null)
        {
            Assert.Equal(JsonValueKind.Null, value.ValueKind);
        }
        else
        {
            Assert.Equal(decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture), value.GetDecimal());
        }
    }

    [Fact]
    public async Task Chat_Usage_EachTurnShowsCostAndSlashUsageShowsTotals()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one", promptTokens: 1234, completionTokens: 56, cachedTokens: 200));
        server.Enqueue(ScriptedResponse.Text("two", promptTokens: 1234, completionTokens: 56, cachedTokens: 200));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("first\nsecond\n/usage\n", "chat", "-u", "-m", "gpt-4o-mini");

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stderr.Split('\n');
        Assert.Equal(2, lines.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, KnownLine)));
        Assert.Contains("Calls: 2 · Tokens: 2,468 in (400 cached) / 112 out · total 2,580 · $0.000407", r.Stderr);
    }

    [Fact]
    public async Task Chat_Usage_UnknownModelSaysCostUnknownEverywhere()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one", promptTokens: 10, completionTokens: 2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("first\n/usage\n", "chat", "-u", "-m", "my-own-model");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Tokens: 10 in / 2 out · cost unknown · ", r.Stderr);
        Assert.Contains("Calls: 1 · Tokens: 10 in / 2 out · total 12 · cost unknown", r.Stderr);
    }

    private static string UsageLine(string stderr) => Assert.Single(stderr.Split('\n'), l => l.StartsWith("Tokens: ", StringComparison.Ordinal));
}
