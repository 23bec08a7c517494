using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>parley history export</c> and <c>import</c>: Markdown and JSON out, OpenAI arrays and Parley exports in.</summary>
public class HistoryExportImportTests
{
    [Fact]
    public async Task HistoryExport_Markdown_ReadableTranscriptOnStdout()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Because it is fun.", promptTokens: 12, completionTokens: 5));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "-s", "Be brief.", "Why code?");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;

        var r = await parley.RunAsync("", "history", "export", id[..10], "--format", "md");

        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith($"# Why code?\n\n- id: `{id}`\n- model: gpt-4o-mini (openai)\n", r.Stdout);
        Assert.Contains("## System\n\nBe brief.\n\n## User\n\nWhy code?\n\n## Assistant\n\nBecause it is fun.\n\n*Tokens: 12 in / 5 out · ", r.Stdout);
    }

    [Fact]
    public async Task HistoryExport_JsonToFile_ThenImport_RoundTrips()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("first answer", promptTokens: 10, completionTokens: 2));
        server.Enqueue(ScriptedResponse.Text("second answer", promptTokens: 20, completionTokens: 2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("q1\nq2\n", "chat", "-s", "sys", "-m", "gpt-4.1-mini");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;
        var file = Path.Combine(parley.WorkingDirectory, "conversation.json");

        var export = await parley.RunAsync("", "history", "export", id, "-o", file);

        Assert.Equal(0, export.ExitCode);
        Assert.Equal("", export.Stdout);
        Assert.Contains("wrote JSON", export.Stderr);
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file)))
        {
            var root = doc.RootElement;
            Assert.Equal(id, root.GetProperty("id").GetString());
            Assert.Equal("q1", root.GetProperty("title").GetString());
            Assert.Equal("gpt-4.1-mini", root.GetProperty("model").GetString());
            Assert.Equal(
                ["system", "user", "assistant", "user", "assistant"],
                root.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
            var turns = root.GetProperty("turns").EnumerateArray().ToArray();
            Assert.Equal(2, turns.Length);
            Assert.Equal(20, turns[1].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
            Assert.Equal(3, turns[1].GetProperty("user_index").GetInt32());
            Assert.Equal(JsonValueKind.Number, turns[1].GetProperty("cost_usd").ValueKind);
            Assert.Equal(JsonValueKind.Number, turns[1].GetProperty("latency_ms").ValueKind);
        }

        var import = await parley.RunAsync("", "history", "import", file);

        Assert.Equal(0, import.ExitCode);
        var newId = import.Stdout.Trim();
        Assert.Matches("^[0-9a-f]{32}$", newId);
        Assert.NotEqual(id, newId);
        Assert.Contains("imported 4 messages", import.Stderr);
        var copy = await ParleyDatabase.LoadAsync(parley, newId);
        Assert.Equal("q1", copy.Conversation.Title);
        Assert.Equal("gpt-4.1-mini", copy.Conversation.Model);
        Assert.Equal("sys", copy.Conversation.SystemPrompt);
        Assert.Equal(["q1", "first answer", "q2", "second answer"], copy.Messages.Select(m => m.Message.Text));
    }

    [Fact]
    public async Task HistoryExport_OutputOverTheDatabase_Refused()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "hi");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;
        var before = await File.ReadAllBytesAsync(ParleyDatabase.PathOf(parley));

        var r = await parley.RunAsync("", "history", "export", id, "-o", ParleyDatabase.PathOf(parley));

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(before, await File.ReadAllBytesAsync(ParleyDatabase.PathOf(parley)));
    }

    [Fact]
    public async Task HistoryImport_OpenAIArray_PrintsIdAndCidContinuesIt()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var file = Path.Combine(parley.WorkingDirectory, "messages.json");
        await File.WriteAllTextAsync(file, """
            [
              {"role": "system", "content": "You are a pirate."},
              {"role": "user", "content": "Who are you?"},
              {"role": "assistant", "content": "Arr, a pirate."}
            ]
            """);

        var import = await parley.RunAsync("", "history", "import", file);
        var id = import.Stdout.Trim();
        var next = await parley.RunAsync("", "--cid", id[..12], "Where is the treasure?");

        Assert.Equal(0, import.ExitCode);
        Assert.Equal(0, next.ExitCode);
        Assert.Equal(
            [("system", "You are a pirate."), ("user", "Who are you?"), ("assistant", "Arr, a pirate."), ("user", "Where is the treasure?")],
            Assert.Single(server.Requests).Messages);
        var stored = await ParleyDatabase.LoadAsync(parley, id);
        Assert.Equal("Who are you?", stored.Conversation.Title);
        Assert.Equal(4, stored.Messages.Count);
    }

    [Fact]
    public async Task HistoryImport_FromStandardInputWithModelAndTitle()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync("""[{"role":"user","content":"hi"}]""", "history", "import", "-", "-m", "gpt-4o", "--title", "Greeting");

        Assert.Equal(0, r.ExitCode);
        var stored = await ParleyDatabase.LoadAsync(parley, r.Stdout.Trim());
        Assert.Equal("Greeting", stored.Conversation.Title);
        Assert.Equal("gpt-4o", stored.Conversation.Model);
    }

    [Theory]
    [InlineData("missing.json", null, "cannot read missing.json")]
    [InlineData("bad.json", "[{\"role\": \"user\", \"content\": ", "invalid JSON at line")]
    [InlineData("wrong.json", "[{\"role\": \"wizard\", \"content\": \"x\"}]", "unknown role 'wizard'")]
    [InlineData("empty.json", "[]", "there is no message to import")]
    public async Task HistoryImport_BadFile_Exit2AndImportsNothing(string name, string? content, string message)
    {
        using var parley = new ParleyProcess();
        if (content is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, name), content);
        }

        var r = await parley.RunAsync("", "history", "import", name);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.False(File.Exists(ParleyDatabase.PathOf(parley)));
    }
}
