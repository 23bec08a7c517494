using System.Text;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_NoAuth_AnswersAnOpenAIClientAndSigtermDrainsTheOpenStreamThenExits0()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.Closed());
        var port = new Uri(LoopbackAddresses.Closed()).Port;
        using var process = parley.Start(["serve", "--no-auth", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], redirectStdin: false);
        var stdout = new OutputWatcher(process.StandardOutput);
        var stderr = new OutputWatcher(process.StandardError);
        await stderr.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var answer = await client.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello gateway"}]}"""));
        using (var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Echo: hello gateway", document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
            Assert.Equal(JsonValueKind.Number, document.RootElement.GetProperty("usage").GetProperty("cost_usd").ValueKind);
        }

        var release = new TaskCompletionSource();
        server.Enqueue(ScriptedResponse.Text("first then the rest").WithChunks("first ", "then the rest").HoldAfterFirstChunk(release.Task));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"stream please"}]}"""),
        };
        using var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        var received = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line && !line.Contains("first", StringComparison.Ordinal))
        {
            received.AppendLine(line);
        }

        ParleyProcess.Signal(process, 15);
        await stderr.WaitForAsync("stopping", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1)); // the gateway is stopping now: the open stream must survive it
        release.SetResult();
        var rest = await reader.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Contains("then the rest", rest, StringComparison.Ordinal);
        Assert.Contains("data: [DONE]", rest, StringComparison.Ordinal);
        Assert.Equal(0, process.ExitCode);
        await stdout.ReadToEndAsync();
        var saved = await ParleyDatabase.ListAsync(parley);
        Assert.Equal(2, saved.Count);
        Assert.All(saved, c => Assert.Equal(1, c.TurnCount));
    }

    [Fact]
    public async Task Serve_NoKeysCreatedYet_EveryRequestGets401SayingHowToCreateOne()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.Closed());
        var port = new Uri(LoopbackAddresses.Closed()).Port;
        using var process = parley.Start(["serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], redirectStdin: false);
        var stderr = new OutputWatcher(process.StandardError);
        await stderr.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var models = await client.GetAsync("/v1/models");
        using var chat = await client.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(401, (int)models.StatusCode);
        Assert.Equal(401, (int)chat.StatusCode);
        using var error = JsonDocument.Parse(await chat.Content.ReadAsStringAsync());
        Assert.Equal("invalid_api_key", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("parley keys create", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        ParleyProcess.Signal(process, 15);
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Serve_WithAVirtualKey_AnswersSavesUnderTheKeyNameAndRefusesPastTheBudget()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.Closed());
        var created = await parley.RunAsync(null, "keys", "create", "team-a", "--daily-usd", "0.001");
        Assert.Equal(0, created.ExitCode);
        var key = created.Stdout.Trim();
        var port = new Uri(LoopbackAddresses.Closed()).Port;
        using var process = parley.Start(["serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], redirectStdin: false);
        var stderr = new OutputWatcher(process.StandardError);
        await stderr.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var wrong = await SendAsync(client, "pk-wrong", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");
        using var small = await SendAsync(client, key, """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hello keys"}]}""");
        // Without max_tokens the worst case is gpt-4o-mini's whole maximum output (16,384 tokens, about $0.0098): past $0.001.
        using var large = await SendAsync(client, key, """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a long answer please"}]}""");

        Assert.Equal(401, (int)wrong.StatusCode);
        Assert.Equal(200, (int)small.StatusCode);
        Assert.Equal(429, (int)large.StatusCode);
        Assert.Equal("false", string.Join(",", large.Headers.GetValues("x-should-retry")));
        using (var error = JsonDocument.Parse(await large.Content.ReadAsStringAsync()))
        {
            Assert.Equal("insufficient_quota", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Single(server.Requests);
        ParleyProcess.Signal(process, 15);
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        var history = await parley.RunAsync(null, "history");
        Assert.Contains("team-a", history.Stdout, StringComparison.Ordinal);
        var keys = await parley.RunAsync(null, "keys", "list", "--json");
        Assert.DoesNotContain(key, keys.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_TwoRequestsOnOneConversationId_HistoryShowsBothTurnsUnderTheKeyName()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.Closed());
        var key = (await parley.RunAsync(null, "keys", "create", "team-a")).Stdout.Trim();
        var port = new Uri(LoopbackAddresses.Closed()).Port;
        using var process = parley.Start(["serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], redirectStdin: false);
        var stderr = new OutputWatcher(process.StandardError);
        await stderr.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var first = await SendAsync(client, key, """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"my name is Ada"}]}""", "support-42");
        using var second = await SendAsync(client, key, """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"what is my name?"}]}""", "support-42");
        ParleyProcess.Signal(process, 15);
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal(3, server.Requests[1].Json!.Value.GetProperty("messages").GetArrayLength()); // turn one came along
        using var listed = JsonDocument.Parse((await parley.RunAsync(null, "history", "--json")).Stdout);
        var conversation = Assert.Single(listed.RootElement.EnumerateArray().ToArray());
        var shown = await parley.RunAsync(null, "history", "show", conversation.GetProperty("id").GetString()!);
        Assert.Contains("team-a", shown.Stdout + (await parley.RunAsync(null, "history")).Stdout, StringComparison.Ordinal);
        Assert.Contains("my name is Ada", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("what is my name?", shown.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse((await parley.RunAsync(null, "history", "show", conversation.GetProperty("id").GetString()!, "--json")).Stdout);
        Assert.Equal(2, json.RootElement.GetProperty("turns").GetArrayLength());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string key, string body, string? conversation = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        if (conversation is not null)
        {
            request.Headers.Add("X-Parley-Conversation", conversation);
        }

        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.10")]
    public async Task Serve_NoAuthOnANonLoopbackAddress_RefusedWithExit2(string host)
    {
        using var parley = new ParleyProcess();

        var result = await parley.RunAsync(null, "serve", "--no-auth", "--host", host);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("loopback", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PortInUse_OneLineErrorAndExit1()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        using var parley = new ParleyProcess();

        var result = await parley.RunAsync(null, "serve", "--no-auth", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
