using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>What a real Ctrl+C (SIGINT) or kill -9 during a streamed answer leaves in the database.</summary>
public class PersistenceFaultTests
{
    [Fact]
    public async Task Persistence_CtrlCWhileStreaming_OneShot_KeepsPartialAnswerMarkedInterrupted()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("partial answer and the rest").WithChunks("partial ", "answer ", "and the rest").StallAfterChunks(2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var process = parley.Start(["tell me everything"], redirectStdin: false);
        var stdout = new OutputWatcher(process.StandardOutput);
        var stderr = new OutputWatcher(process.StandardError);

        await stdout.WaitForAsync("partial answer ");
        ParleyProcess.Interrupt(process);
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(130, process.ExitCode);
        Assert.Equal("partial answer \n", await stdout.ReadToEndAsync());
        Assert.Contains("interrupted", await stderr.ReadToEndAsync());
        var listed = await parley.RunAsync("", "history", "--json");
        using var list = JsonDocument.Parse(listed.Stdout);
        var id = list.RootElement[0].GetProperty("id").GetString()!;
        var shown = await parley.RunAsync("", "history", "show", id, "--json");
        using var doc = JsonDocument.Parse(shown.Stdout);
        var messages = doc.RootElement.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(("user", "tell me everything"), (messages[0].GetProperty("role").GetString(), messages[0].GetProperty("content").GetString()));
        Assert.Equal(("assistant", "partial answer "), (messages[1].GetProperty("role").GetString(), messages[1].GetProperty("content").GetString()));
        var turn = Assert.Single(doc.RootElement.GetProperty("turns").EnumerateArray().ToArray());
        Assert.Equal("interrupted", turn.GetProperty("status").GetString());
        Assert.Equal(1, turn.GetProperty("assistant_index").GetInt32());
        var text = await parley.RunAsync("", "history", "show", id);
        Assert.Contains("Assistant: partial answer\n[interrupted · ", text.Stdout);
    }

    [Fact]
    public async Task Persistence_CtrlCWhileStreaming_Chat_KeepsPartialAnswerInMemoryAndOnDisk()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("half of it and more").WithChunks("half ", "of it ", "and more").StallAfterChunks(2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var process = parley.Start(["chat"]);
        var stdout = new OutputWatcher(process.StandardOutput);
        var stderr = new OutputWatcher(process.StandardError);

        await process.StandardInput.WriteLineAsync("first question");
        await process.StandardInput.FlushAsync();
        await stdout.WaitForAsync("half of it ");
        ParleyProcess.Interrupt(process);
        await stderr.WaitForAsync("answer interrupted");
        await process.StandardInput.WriteLineAsync("second question");
        process.StandardInput.Close();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(
            [("user", "first question"), ("assistant", "half of it "), ("user", "second question")],
            server.Requests[1].Messages);
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;
        var stored = await ParleyDatabase.LoadAsync(parley, id);
        Assert.Equal([TurnStatus.Interrupted, TurnStatus.Complete], stored.Turns.Select(t => t.Status));
        Assert.Equal(["first question", "half of it ", "second question", "Echo: second question"], stored.Messages.Select(m => m.Message.Text));
    }

    [Fact]
    public async Task Persistence_Kill9WhileStreaming_DatabaseOpensCleanlyWithEveryEarlierTurnAndTheQuestion()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer one"));
        server.Enqueue(ScriptedResponse.Text("answer two"));
        server.Enqueue(ScriptedResponse.Text("answer three"));
        server.Enqueue(ScriptedResponse.Text("never finished answer").WithChunks("never ", "finished ", "answer").StallAfterChunks(1));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var process = parley.Start(["chat", "-s", "sys"]);
        var stdout = new OutputWatcher(process.StandardOutput);
        _ = new OutputWatcher(process.StandardError);

        await process.StandardInput.WriteAsync("q1\nq2\nq3\nq4 the killed one\n");
        await process.StandardInput.FlushAsync();
        await stdout.WaitForAsync("answer three\nnever ");
        process.Kill();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        // The file as SQLite itself sees it, before Parley opens it again (SQLite replays the WAL).
        Assert.Equal("ok", ParleyDatabase.IntegrityCheck(parley));

        var next = await parley.RunAsync("", "history", "--json");

        Assert.Equal(0, next.ExitCode);
        Assert.Equal("", next.Stderr);
        Assert.Equal("ok", ParleyDatabase.IntegrityCheck(parley));
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;
        var stored = await ParleyDatabase.LoadAsync(parley, id);
        Assert.Equal("sys", stored.Conversation.SystemPrompt);
        Assert.Equal(
            ["q1", "answer one", "q2", "answer two", "q3", "answer three", "q4 the killed one"],
            stored.Messages.Select(m => m.Message.Text));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), stored.Messages.Select(m => m.Sequence));
        Assert.Equal([TurnStatus.Complete, TurnStatus.Complete, TurnStatus.Complete, TurnStatus.Interrupted], stored.Turns.Select(t => t.Status));
        Assert.Contains("ended before the answer was saved", stored.Turns[3].Error);
        Assert.Equal(7, stored.Turns[3].UserSequence);
        Assert.Null(stored.Turns[3].AssistantSequence);
    }
}
