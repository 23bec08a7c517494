using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// A model that declines sends <c>refusal</c> instead of <c>content</c>: <c>parley</c> prints the refusal as the answer
/// (it is what the model said to the user), says on stderr that it was a refusal, and exits 0.
/// </summary>
public class RefusalTests
{
    private const string Refusal = "I'm sorry, but I can't help with that request.";
    private const string Note = "the model refused to answer (refusal)";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Prompt_Refusal_PrintsItOnStdoutWithANoteAndUsage(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal, promptTokens: 20, completionTokens: 11));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", stream ? ["-u", "Help me with something bad"] : ["-u", "--no-stream", "Help me with something bad"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(Refusal + "\n", r.Stdout);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Note, lines[0]);
        Assert.StartsWith("Tokens: 20 in / 11 out", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
        Assert.Equal(stream, server.Requests[0].Stream);
    }

    [Fact]
    public async Task Prompt_Answer_NoRefusalNote()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("I'm sorry, I can't do that."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "apologise");

        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("refus", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Json_Refusal_HasTheRefusalField(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal, promptTokens: 20, completionTokens: 11));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", stream ? ["--json", "Help me with something bad"] : ["--json", "--no-stream", "Help me with something bad"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(Refusal, root.GetProperty("refusal").GetString());
        Assert.Equal(Refusal, root.GetProperty("content").GetString());
        Assert.Equal("stop", root.GetProperty("finish_reason").GetString());
        Assert.Equal("complete", root.GetProperty("status").GetString());
        Assert.Equal(31, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Contains(Note, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_Answer_RefusalIsNull()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--json", "hello");

        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("refusal").ValueKind);
        Assert.Equal("Echo: hello", doc.RootElement.GetProperty("content").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Chat_Refusal_ShownLikeAnAnswerWithANoteAndKeptInTheConversation(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(
            "Help me with something bad\nWhy not?\n/history\n",
            stream ? ["chat", "-u", "-s", "sys"] : ["chat", "-u", "--no-stream", "-s", "sys"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith(Refusal + "\nEcho: Why not?\n", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("User: Help me with something bad\n\nAssistant: " + Refusal + "\n\nUser: Why not?", r.Stdout, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Split('\n'), l => l == Note);
        Assert.Equal(2, r.Stderr.Split('\n').Count(l => l.StartsWith("Tokens: ", StringComparison.Ordinal)));
        Assert.Equal(("assistant", Refusal), server.Requests[1].Messages[2]);
    }

    [Fact]
    public async Task HistoryShowAndExport_Refusal_ShownAsTheAnswer()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync(stdin: "", "Help me with something bad");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;

        var show = await parley.RunAsync("", "history", "show", id);
        var export = await parley.RunAsync("", "history", "export", id, "--format", "json");

        Assert.Contains("User: Help me with something bad\n\nAssistant: " + Refusal + "\n", show.Stdout, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(export.Stdout);
        Assert.Equal(
            [("user", "Help me with something bad"), ("assistant", Refusal)],
            doc.RootElement.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())));
    }
}
