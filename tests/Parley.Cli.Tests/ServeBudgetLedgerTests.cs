using System.Globalization;
using System.Text;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// `parley serve` on SQLite keeps a key's budget in memory between database writes: what `parley keys list` shows after
/// the gateway stops (SIGTERM) or dies (SIGKILL).
/// </summary>
public sealed class ServeBudgetLedgerTests
{
    [Fact]
    public async Task Serve_StoppedThenKilled_KeysListShowsTheRealSpendThenNeverLess()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.Closed());
        var key = (await parley.RunAsync(null, "keys", "create", "team-a", "--daily-usd", "1")).Stdout.Trim();

        decimal stopped = await ServeAsync(parley, key, requests: 2, signal: 15);
        decimal afterStop = await SpentTodayAsync(parley);
        decimal killed = await ServeAsync(parley, key, requests: 2, signal: 9);
        decimal afterKill = await SpentTodayAsync(parley);

        Assert.True(stopped > 0);
        Assert.Equal(stopped, afterStop);
        Assert.InRange(afterKill, stopped + killed, 1m);
    }

    /// <summary>Starts the gateway, sends the requests, signals it, and returns what the answers cost.</summary>
    private static async Task<decimal> ServeAsync(ParleyProcess parley, string key, int requests, int signal)
    {
        var port = new Uri(LoopbackAddresses.Closed()).Port;
        using var process = parley.Start(["serve", "--port", port.ToString(CultureInfo.InvariantCulture)], redirectStdin: false);
        var stderr = new OutputWatcher(process.StandardError);
        await stderr.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        decimal cost = 0;
        for (int i = 0; i < requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"hello budget"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var answer = await client.SendAsync(request);
            Assert.Equal(200, (int)answer.StatusCode);
            using var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            cost += document.RootElement.GetProperty("usage").GetProperty("cost_usd").GetDecimal();
        }

        ParleyProcess.Signal(process, signal);
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return cost;
    }

    private static async Task<decimal> SpentTodayAsync(ParleyProcess parley)
    {
        var list = await parley.RunAsync(null, "keys", "list", "--json");
        using var document = JsonDocument.Parse(list.Stdout);
        return document.RootElement[0].GetProperty("spent_today_usd").GetDecimal();
    }
}
