using System.Text;
using Parley.TestServer;
using Xunit.Abstractions;

namespace Parley.Cli.Tests;

/// <summary>
/// Drives the CLI as a process through a scripted list of faults against one database, then computes — from the
/// server's request log and the database, not from counters of its own — how many faults were injected and handled,
/// how many runs crashed (unhandled exception or an undocumented exit code) and how many questions were lost.
/// </summary>
public class FaultInjectionSuiteTests
{
    private const string Key = "sk-proj-fault-suite-secret-7f3a9c";
    private static readonly int[] Documented = [0, 1, 2, 130];
    private readonly ITestOutputHelper _output;

    public FaultInjectionSuiteTests(ITestOutputHelper output) => _output = output;

    private sealed record FaultCase(string Name, Action<LoopbackServer> Script, int ExpectedExit, string[]? Flags = null, bool Interrupt = false, bool Refused = false);

    private static IEnumerable<FaultCase> Cases()
    {
        var quick = new[] { "--max-retries", "2" };
        yield return new("429 then ok", s => { s.Enqueue(ScriptedResponse.RateLimited(0.05)); s.Enqueue(ScriptedResponse.Text("ok")); }, 0);
        yield return new("429 storm", s => { for (var i = 0; i < 3; i++) { s.Enqueue(ScriptedResponse.RateLimited(0.01)); } }, 1, quick);
        yield return new("insufficient quota", s => s.Enqueue(ScriptedResponse.InsufficientQuota()), 1);
        foreach (var status in new[] { 408, 409, 500, 503, 504 })
        {
            var error = status >= 500 ? ScriptedResponse.ServerError(status) : ScriptedResponse.Error(status, $"transient {status}");
            yield return new($"{status} then ok", s => { s.Enqueue(error.WithHeader("retry-after-ms", "10")); s.Enqueue(ScriptedResponse.Text("ok")); }, 0);
        }

        yield return new("502 html page from a proxy", s => { for (var i = 0; i < 3; i++) { s.Enqueue(ScriptedResponse.Raw(502, "text/html", "<html><body>Bad Gateway</body></html>").WithHeader("retry-after-ms", "10")); } }, 1, quick);
        foreach (var status in new[] { 400, 401, 403, 404 })
        {
            yield return new($"{status}", s => s.Enqueue(ScriptedResponse.Error(status, $"rejected with {status}")), 1);
        }

        yield return new("context length exceeded, recovered", s => s.Enqueue(ScriptedResponse.ContextLengthExceeded(4096, 5000)), 0);
        yield return new("stall mid-stream", s => s.Enqueue(ScriptedResponse.Text("a b c d").StallAfterChunks(2)), 1, ["--idle-timeout", "2"]);
        yield return new("dropped connection mid-stream", s => s.Enqueue(ScriptedResponse.Text("a b c d").DropAfterChunks(2)), 1);
        yield return new("reset before any byte, then ok", s => { s.Enqueue(ScriptedResponse.ConnectionReset()); s.Enqueue(ScriptedResponse.Text("ok")); }, 0);
        yield return new("malformed chunk", s => s.Enqueue(ScriptedResponse.Text("a b c").WithMalformedChunk(1)), 1);
        yield return new("error object inside the stream", s => s.Enqueue(ScriptedResponse.Text("a b c").WithStreamError("The server had an error processing your request.")), 1);
        yield return new("empty 200 body", s => s.Enqueue(ScriptedResponse.Raw(200, "application/json", string.Empty)), 1, ["--no-stream"]);
        yield return new("non-JSON 200 body", s => s.Enqueue(ScriptedResponse.Raw(200, "text/plain", "hello, I am not JSON")), 1, ["--no-stream"]);
        yield return new("unknown fields in chunks", s => s.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", UnknownFieldsStream())), 0);
        yield return new("10 MB single chunk", s => { var big = new string('x', 10 * 1024 * 1024); s.Enqueue(ScriptedResponse.Text(big).WithChunks(big)); }, 0);
        yield return new("100,000 tiny chunks", s => s.Enqueue(ScriptedResponse.Many(100_000)), 0);
        yield return new("Ctrl+C mid-stream", s => s.Enqueue(ScriptedResponse.Text("a b c d").StallAfterChunks(2)), 130, Interrupt: true);
        yield return new("connection refused", _ => { }, 1, ["--max-retries", "1", "--base-url", "http://127.0.0.1:9/v1"], Refused: true);
        foreach (var secretCase in SecretCases())
        {
            yield return secretCase;
        }
    }

    // Secrets (issue #14): server text that echoes the key, the key inside the base URL, a huge error body.
    // AssertKeyNowhere then checks stdout, stderr and every file Parley wrote.
    private static IEnumerable<FaultCase> SecretCases()
    {
        yield return new("key echoed in a streamed error frame", s => s.Enqueue(ScriptedResponse.Text("a b c").WithStreamError($"invalid api key {Key}")), 1);
        yield return new("key echoed in a 401 body", s => s.Enqueue(ScriptedResponse.Error(401, $"Incorrect API key provided: {Key}")), 1);
        yield return new("50 MB error body", s => s.Enqueue(ScriptedResponse.Error(400, "too big: " + new string('z', 50 * 1024 * 1024))), 1);
        yield return new("key in the base URL, connection refused", _ => { }, 1, ["--max-retries", "0", "--base-url", $"http://parley:{Key}@127.0.0.1:9/v1?api_key={Key}"], Refused: true);
    }

    [Fact]
    public async Task FaultSuite_EveryScriptedFault_HandledWithNoCrashAndNoLostTurn()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, Key);
        var results = new List<(FaultCase Case, string Prompt, ProcessResult Result)>();
        var number = 0;
        foreach (var fault in Cases())
        {
            var prompt = $"case {++number:00}: {fault.Name}";
            server.ClearQueue();
            fault.Script(server);
            var result = fault.Interrupt ? await RunInterruptedAsync(parley, server, prompt) : await parley.RunAsync(stdin: "", [.. fault.Flags ?? [], prompt]);
            results.Add((fault, prompt, result));
        }

        // From the database: how each question ended.
        var turns = await ReadTurnsAsync(Path.Combine(parley.ParleyHome, "parley.db"));
        // From the server's log: how many requests each question caused.
        var requests = server.Requests.Where(r => r.Path.StartsWith("/v1/chat/completions", StringComparison.Ordinal))
            .GroupBy(r => r.Messages[^1].Content).ToDictionary(g => g.Key, g => g.Count());

        int injected = 0, handled = 0, crashes = 0, lost = 0;
        var report = new StringBuilder();
        foreach (var (fault, prompt, result) in results)
        {
            var sent = requests.GetValueOrDefault(prompt);
            var saved = turns.TryGetValue(prompt, out var status);
            var complete = saved && status == TurnStatus.Complete;
            var faults = fault.Refused ? (saved && status != TurnStatus.Complete ? 1 : 0) : sent - (complete ? 1 : 0);
            var crashed = !Documented.Contains(result.ExitCode) || result.Stderr.Contains("Unhandled exception", StringComparison.Ordinal) || result.Stderr.Contains("   at ", StringComparison.Ordinal);
            var statusFits = result.ExitCode == 0 ? complete : saved && !complete;
            injected += faults;
            crashes += crashed ? 1 : 0;
            lost += saved ? 0 : 1;
            var ok = !crashed && result.ExitCode == fault.ExpectedExit && statusFits;
            handled += ok ? faults : 0;
            report.AppendLine($"{prompt,-44} requests={sent} saved={(saved ? status.ToString() : "LOST")} exit={result.ExitCode} {(ok ? "handled" : "NOT HANDLED: " + result)}");
        }

        var summary = $"faults: {injected} injected, {handled} handled, {crashes} crashes, {lost} lost turns";
        _output.WriteLine(report.ToString());
        _output.WriteLine(summary);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "fault-suite-summary.txt"), report + summary + "\n");

        Assert.True(injected >= results.Count, summary + "\n" + report);
        Assert.True(handled == injected && crashes == 0 && lost == 0, summary + "\n" + report);
        AssertKeyNowhere(parley, results.Select(r => r.Result));
    }

    private static void AssertKeyNowhere(ParleyProcess parley, IEnumerable<ProcessResult> results)
    {
        foreach (var result in results)
        {
            Assert.DoesNotContain(Key, result.Stdout + result.Stderr);
        }

        foreach (var file in Directory.EnumerateFiles(parley.ParleyHome, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.False(Encoding.UTF8.GetString(bytes).Contains(Key, StringComparison.Ordinal), $"the key was written to {file}");
        }
    }

    private static async Task<ProcessResult> RunInterruptedAsync(ParleyProcess parley, LoopbackServer server, string prompt)
    {
        var before = server.Requests.Count;
        using var process = parley.Start([prompt], redirectStdin: false);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (server.Requests.Count == before)
        {
            await Task.Delay(50, timeout.Token);
        }

        await Task.Delay(500, timeout.Token);
        ParleyProcess.Interrupt(process);
        await process.WaitForExitAsync(timeout.Token);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<Dictionary<string, TurnStatus>> ReadTurnsAsync(string database)
    {
        var statuses = new Dictionary<string, TurnStatus>(StringComparer.Ordinal);
        await using var store = await SqliteConversationStore.OpenAsync(database);
        foreach (var item in await store.ListAsync(limit: 1000))
        {
            var conversation = await store.LoadAsync(item.Id);
            foreach (var turn in conversation.Turns.Where(t => t.Kind == TurnKind.Chat))
            {
                var question = conversation.Messages.First(m => m.Sequence == turn.UserSequence).Message.Text;
                statuses[question] = turn.Status;
            }
        }

        return statuses;
    }

    private static string UnknownFieldsStream()
    {
        var frames = new[]
        {
            """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","x_vendor":{"trace":[1,2]},"choices":[{"index":0,"delta":{"role":"assistant","content":"","x_extra":true},"finish_reason":null}]}""",
            """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"fine"},"x_score":0.5,"finish_reason":null}]}""",
            """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_done":"yes"}""",
        };
        return string.Concat(frames.Select(f => "data: " + f + "\n\n")) + "data: [DONE]\n\n";
    }
}
