using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
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
    private static readonly int[] Documented = [0, 1, 2, 129, 130, 143];
    private readonly ITestOutputHelper _output;

    public FaultInjectionSuiteTests(ITestOutputHelper output) => _output = output;

    private sealed record FaultCase(string Name, Action<LoopbackServer> Script, int ExpectedExit, string[]? Flags = null, bool Interrupt = false, bool Refused = false, int Signal = 2);

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

        foreach (var fault in DurabilityCases())
        {
            yield return fault;
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
            var result = fault.Interrupt ? await RunInterruptedAsync(parley, server, prompt, fault.Signal) : await parley.RunAsync(stdin: "", [.. fault.Flags ?? [], prompt]);
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
            var faults = fault.Refused ? (saved && status != TurnStatus.Complete ? 1 : 0) : Math.Max(sent > 0 ? 1 : 0, sent - (complete ? 1 : 0));
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

    private static async Task<ProcessResult> RunInterruptedAsync(ParleyProcess parley, LoopbackServer server, string prompt, int signal = 2)
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
        ParleyProcess.Signal(process, signal);
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
            foreach (var turn in conversation.Turns.Where(t => !t.IsSummary))
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

    // ---------------------------------------------------------------------------------------------------------------
    // Durability faults (issue #14, "No lost answers, no destroyed history"): exports over the database, the question
    // saved before any call, SIGTERM/SIGHUP, a locked database at save time, a corrupt database, stream edge cases.
    // The stream and signal cases join the tally above; the database cases need their own set-up and are facts here.
    // ---------------------------------------------------------------------------------------------------------------

    private static IEnumerable<FaultCase> DurabilityCases()
    {
        yield return new("SIGTERM mid-stream", s => s.Enqueue(ScriptedResponse.Text("a b c d").StallAfterChunks(2)), 143, Interrupt: true, Signal: 15);
        yield return new("SIGHUP mid-stream", s => s.Enqueue(ScriptedResponse.Text("a b c d").StallAfterChunks(2)), 129, Interrupt: true, Signal: 1);
        yield return new("malformed usage chunk after the answer", s => s.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", MalformedUsageStream())), 0);
        yield return new("chunks of choice index 1", s => s.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", SecondChoiceStream())), 0);
    }

    [Theory]
    [InlineData("symlink")]
    [InlineData("hardlink")]
    [InlineData("symlink to the WAL")]
    public async Task FaultSuite_ExportThroughALinkToTheDatabase_RefusedAndHistoryKept(string link)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "first");
        await parley.RunAsync("", "second");
        var database = ParleyDatabase.PathOf(parley);
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;
        var target = Path.Combine(parley.WorkingDirectory, "export.md");
        if (link == "hardlink")
        {
            Assert.Equal(0, Link(database, target));
        }
        else
        {
            File.CreateSymbolicLink(target, link == "symlink" ? database : database + "-wal");
        }

        var before = Hash(database);

        var r = await parley.RunAsync("", "history", "export", id, "-o", target);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("would overwrite", r.Stderr);
        Assert.Equal(before, Hash(database));
        Assert.Equal(2, (await ParleyDatabase.ListAsync(parley)).Count);
    }

    [Fact]
    public async Task FaultSuite_ExportOverACopyOfTheDatabase_RefusedByItsHeader()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "first");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;
        var copy = Path.Combine(parley.WorkingDirectory, "backup.db");
        File.Copy(ParleyDatabase.PathOf(parley), copy);
        var before = Hash(copy);

        var r = await parley.RunAsync("", "history", "export", id, "-o", copy);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("would overwrite an SQLite database", r.Stderr);
        Assert.Equal(before, Hash(copy));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FaultSuite_SaveInChatOverTheDatabase_RefusedAndHistoryKept(bool throughHardlink)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        for (var i = 0; i < 3; i++)
        {
            await parley.RunAsync("", $"question {i}");
        }

        var database = ParleyDatabase.PathOf(parley);
        var target = database;
        if (throughHardlink)
        {
            target = Path.Combine(parley.WorkingDirectory, "notes.json");
            Assert.Equal(0, Link(database, target));
        }

        var r = await parley.RunAsync($"hello\n/save {target}\n", "chat");

        Assert.DoesNotContain("saved ", r.Stderr);
        Assert.Contains("would overwrite", r.Stderr);
        Assert.Equal("ok", ParleyDatabase.IntegrityCheck(parley));
        Assert.Equal(4, (await ParleyDatabase.ListAsync(parley)).Count);
    }

    [Fact]
    public async Task FaultSuite_ExportOverAFileWithAnotherName_ReplacesTheNameNotTheSharedContent()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "hi");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;
        var keep = Path.Combine(parley.WorkingDirectory, "keep.txt");
        await File.WriteAllTextAsync(keep, "precious\n");
        var target = Path.Combine(parley.WorkingDirectory, "out.md");
        Assert.Equal(0, Link(keep, target));

        var export = await parley.RunAsync("", "history", "export", id, "-o", target);
        var save = await parley.RunAsync($"/save {target}\n", "chat", "-c");

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(save.ExitCode == 0, save.ToString());
        Assert.Equal("precious\n", await File.ReadAllTextAsync(keep)); // written through a new file and a rename
        Assert.Contains("Echo: hi", await File.ReadAllTextAsync(target));
        Assert.Empty(Directory.GetFiles(parley.WorkingDirectory, "*.tmp*"));
    }

    [Fact]
    public async Task FaultSuite_KilledDuringTheSummaryCall_QuestionIsSaved()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        // More turns than summarize keeps verbatim (the last 4), so the next turn's policy has something to summarize.
        await parley.RunAsync(string.Concat(Enumerable.Range(1, 6).Select(i => $"question {i}, with enough words to be worth a summary of what was said\n")), "chat");
        server.Enqueue(ScriptedResponse.Text("a summary").WithDelay(TimeSpan.FromMinutes(5))); // the summary call never answers
        var before = server.Requests.Count;

        using var process = parley.Start(["-c", "--context", "summarize", "--summarize-at", "10", "the second question"], redirectStdin: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (server.Requests.Count == before)
        {
            await Task.Delay(50, timeout.Token);
        }

        process.Kill();
        await process.WaitForExitAsync(timeout.Token);

        Assert.DoesNotContain(server.Requests[^1].Messages, m => m.Content == "the second question"); // it was the summary call
        var saved = await ParleyDatabase.LoadAsync(parley, (await ParleyDatabase.ListAsync(parley))[0].Id);
        Assert.Contains(saved.Messages, m => m.Message.Text == "the second question");
    }

    [Theory]
    [InlineData(15, 143)]
    [InlineData(1, 129)]
    public async Task FaultSuite_TermOrHupMidStream_KeepsWhatWasShownMarkedInterrupted(int signal, int exitCode)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("shown part and the rest").WithChunks("shown ", "part ", "and the rest").StallAfterChunks(2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var process = parley.Start(["tell me"], redirectStdin: false);
        var stdout = new OutputWatcher(process.StandardOutput);
        var stderr = new OutputWatcher(process.StandardError);

        await stdout.WaitForAsync("shown part ");
        ParleyProcess.Signal(process, signal);
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(exitCode, process.ExitCode);
        Assert.Contains("interrupted", await stderr.ReadToEndAsync());
        var saved = await ParleyDatabase.LoadAsync(parley, (await ParleyDatabase.ListAsync(parley))[0].Id);
        Assert.Equal(TurnStatus.Interrupted, Assert.Single(saved.Turns).Status);
        Assert.Equal(["tell me", "shown part "], saved.Messages.Select(m => m.Message.Text));
    }

    [Fact]
    public async Task FaultSuite_DatabaseLockedWhenTheAnswerIsSaved_AnswerGoesToARecoveryFileThatTheNextRunImports()
    {
        await using var server = await LoopbackServer.StartAsync();
        var release = new TaskCompletionSource();
        server.Enqueue(ScriptedResponse.Text("a finished answer").WithChunks("a ", "finished ", "answer").HoldAfterFirstChunk(release.Task));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("PARLEY_DB_WAIT_MS", "1000");
        using var process = parley.Start(["keep my answer"], redirectStdin: false);
        var stdout = new OutputWatcher(process.StandardOutput);
        var stderr = new OutputWatcher(process.StandardError);
        await stdout.WaitForAsync("a ");
        var database = ParleyDatabase.PathOf(parley);
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=false"))
        {
            connection.Open();
            using var transaction = connection.BeginTransaction(deferred: false); // holds the write lock until the run ends
            release.SetResult();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            transaction.Rollback();
        }

        var err = await stderr.ReadToEndAsync();
        Assert.True(process.ExitCode == 0, err);
        Assert.Equal("a finished answer\n", await stdout.ReadToEndAsync());
        Assert.Contains("recovery file", err);
        var recovery = Assert.Single(Directory.GetFiles(parley.ParleyHome, "*.jsonl", SearchOption.AllDirectories));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(recovery));

        var list = await parley.RunAsync("", "history");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("imported 1 answer", list.Stderr);
        Assert.False(File.Exists(recovery));
        var saved = await ParleyDatabase.LoadAsync(parley, (await ParleyDatabase.ListAsync(parley))[0].Id);
        Assert.Equal(TurnStatus.Complete, Assert.Single(saved.Turns).Status);
        Assert.Equal(["keep my answer", "a finished answer"], saved.Messages.Select(m => m.Message.Text));
    }

    [Fact]
    public async Task FaultSuite_RandomBytesInTheMiddleOfTheDatabase_RefusedBeforeAnyWrite()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        for (var i = 0; i < 40; i++)
        {
            await ParleyDatabase.AddConversationAsync(parley, $"question {i} " + new string('q', 500), $"answer {i} " + new string('a', 3000));
        }

        var database = ParleyDatabase.PathOf(parley);
        var bytes = await File.ReadAllBytesAsync(database);
        var pageSize = (bytes[16] << 8) | bytes[17];
        var middle = bytes.Length / pageSize / 2;
        new Random(14).NextBytes(bytes.AsSpan(middle * pageSize, pageSize));
        await File.WriteAllBytesAsync(database, bytes);
        var before = Hash(database);

        var r = await parley.RunAsync("", "hello");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("is corrupt", r.Stderr);
        Assert.Contains("left untouched", r.Stderr);
        Assert.Equal(before, Hash(database));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task FaultSuite_ChunksOfChoiceIndexOne_AreNotPartOfTheAnswer()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", SecondChoiceStream()));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("", "two choices");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("first answer\n", r.Stdout);
    }

    [Fact]
    public async Task FaultSuite_MalformedUsageChunkAfterAFinishedAnswer_CompleteWithUsageUnknown()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", MalformedUsageStream()));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("", "count it");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("fine answer\n", r.Stdout);
        Assert.Contains("usage", r.Stderr);
        var saved = await ParleyDatabase.LoadAsync(parley, (await ParleyDatabase.ListAsync(parley))[0].Id);
        var turn = Assert.Single(saved.Turns);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Null(turn.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task FaultSuite_ServerClosesWithoutResponding_IsRetried()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
                var buffer = new byte[65536];
                _ = await client.GetStream().ReadAsync(buffer, stop.Token); // read the request, then close without a byte
                client.Client.Shutdown(SocketShutdown.Both);
            }
        });
        using var parley = new ParleyProcess().Against(new Uri($"http://127.0.0.1:{port}/v1"));

        var r = await parley.RunAsync("", "--max-retries", "2", "anyone there?");
        await stop.CancelAsync();

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal(3, connections);
        Assert.Contains("without responding", r.Stderr);
        Assert.DoesNotContain("partial answer was kept", r.Stderr);
    }

    [Theory]
    [InlineData("no finish reason and no text")]
    [InlineData("dropped before any text")]
    [InlineData("stream error before any text")]
    public async Task FaultSuite_StreamFailsBeforeAnyText_DoesNotClaimAPartialAnswer(string fault)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(fault switch
        {
            "no finish reason and no text" => ScriptedResponse.Raw(200, "text/event-stream", "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n"),
            "dropped before any text" => ScriptedResponse.Text("a b c").DropAfterChunks(0),
            _ => ScriptedResponse.Text("a b c").WithStreamError("The server had an error processing your request.", afterChunks: 0),
        });
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("", "--max-retries", "0", "anything?");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.DoesNotContain("partial answer was kept", r.Stderr);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static string SseFrames(params string[] frames) => string.Concat(frames.Select(f => "data: " + f + "\n\n")) + "data: [DONE]\n\n";

    private static string Chunk(int index, string delta, string finish = "null") =>
        "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":" + index
        + ",\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";

    private static string SecondChoiceStream() => SseFrames(
        Chunk(0, """{"role":"assistant","content":""}"""),
        Chunk(0, """{"content":"first "}"""),
        Chunk(1, """{"content":"second "}"""),
        Chunk(0, """{"content":"answer"}"""),
        Chunk(1, """{"content":"answer"}"""),
        Chunk(0, "{}", "\"stop\""),
        Chunk(1, "{}", "\"length\""));

    private static string MalformedUsageStream() => SseFrames(
        Chunk(0, """{"role":"assistant","content":""}"""),
        Chunk(0, """{"content":"fine "}"""),
        Chunk(0, """{"content":"answer"}"""),
        Chunk(0, "{}", "\"stop\""),
        """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":"many","completion_tokens":{"n":2}""");

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);
}
