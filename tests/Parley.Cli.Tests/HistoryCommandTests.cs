using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>parley history</c>: list, path, show, search, rm, run as a process against the loopback server.</summary>
public class HistoryCommandTests
{
    [Fact]
    public async Task History_Piped_TabSeparatedNewestFirstWithShortIdsAndTotals()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one", promptTokens: 10, completionTokens: 5));
        server.Enqueue(ScriptedResponse.Text("two", promptTokens: 20, completionTokens: 10));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "first question");
        await parley.RunAsync("", "second question");

        var r = await parley.RunAsync("", "history");

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        var ids = (await ParleyDatabase.ListAsync(parley)).Select(c => c.Id).ToArray();
        var newest = lines[0].Split('\t');
        Assert.Equal(7, newest.Length);
        Assert.True(newest[0].Length >= 8 && ids[0].StartsWith(newest[0], StringComparison.Ordinal), lines[0]);
        Assert.Equal(["second question", "gpt-4o-mini", "1", "30", "0.000009"], newest[1..6]);
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d$"), newest[6]);
        Assert.Equal(["first question", "gpt-4o-mini", "1", "15", "0.0000045"], lines[1].Split('\t')[1..6]);
    }

    [Fact]
    public async Task History_UpdatedColumn_IsLocalTime()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("TZ", "Asia/Kolkata");
        await parley.RunAsync("", "hi");

        var r = await parley.RunAsync("", "history");

        var updated = (await ParleyDatabase.ListAsync(parley))[0].UpdatedAt;
        var local = updated.ToOffset(TimeSpan.FromHours(5.5)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        Assert.Equal(local, r.Stdout.TrimEnd('\n').Split('\t')[^1]);
    }

    [Fact]
    public async Task History_Json_FullIdsNumbersAndIsoTimes()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer", promptTokens: 10, completionTokens: 5));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "What is artificial intelligence?");

        var r = await parley.RunAsync("", "history", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var item = Assert.Single(doc.RootElement.EnumerateArray().ToArray());
        Assert.Matches(new Regex("^[0-9a-f]{32}$"), item.GetProperty("id").GetString());
        Assert.Equal("What is artificial intelligence?", item.GetProperty("title").GetString());
        Assert.Equal("gpt-4o-mini", item.GetProperty("model").GetString());
        Assert.Equal(1, item.GetProperty("turns").GetInt32());
        Assert.Equal(2, item.GetProperty("messages").GetInt32());
        Assert.Equal(15, item.GetProperty("tokens").GetInt64());
        Assert.Equal(0.0000045m, item.GetProperty("cost_usd").GetDecimal());
        var updated = item.GetProperty("updated_at").GetString()!;
        Assert.EndsWith("Z", updated);
        Assert.InRange(DateTimeOffset.Parse(updated, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task History_LimitN_ListsTheNewestN()
    {
        using var parley = new ParleyProcess();
        foreach (var prompt in new[] { "a1", "b2", "c3" })
        {
            await ParleyDatabase.AddConversationAsync(parley, prompt, "answer");
        }

        var two = await parley.RunAsync("", "history", "-n", "2");
        var json = await parley.RunAsync("", "history", "--json", "-n", "1");
        var negative = await parley.RunAsync("", "history", "-n", "-1");

        Assert.Equal(["c3", "b2"], two.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')[1]));
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal("c3", Assert.Single(doc.RootElement.EnumerateArray().ToArray()).GetProperty("title").GetString());
        Assert.Equal(2, negative.ExitCode);
    }

    [Fact]
    public async Task History_Empty_PrintsNothingOrEmptyArray()
    {
        using var parley = new ParleyProcess();

        var plain = await parley.RunAsync("", "history");
        var json = await parley.RunAsync("", "history", "--json");

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal("", plain.Stdout);
        Assert.Equal("[]\n", json.Stdout);
    }

    [Fact]
    public async Task HistoryPath_PrintsTheDatabasePathAlone()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync("", "history", "path");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(ParleyDatabase.PathOf(parley) + "\n", r.Stdout);
        Assert.False(File.Exists(ParleyDatabase.PathOf(parley)));
    }

    [Fact]
    public async Task HistoryShow_RoleBlocksWithUsageLines()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("AI is software that learns.", promptTokens: 20, completionTokens: 34));
        server.Enqueue(ScriptedResponse.Text("It finds patterns in data.", promptTokens: 60, completionTokens: 7));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("What is artificial intelligence?\nCan you elaborate more on that?\n", "chat", "-s", "You are a helpful assistant.");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;

        var r = await parley.RunAsync("", "history", "show", id[..12]);

        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith($"Conversation {id} · gpt-4o-mini · 2 turns · 121 tokens · $0.", r.Stdout);
        Assert.Contains(
            "\n\nSystem: You are a helpful assistant.\n\n"
            + "User: What is artificial intelligence?\n\n"
            + "Assistant: AI is software that learns.\n[Tokens: 20 in / 34 out · $0.000023 · ",
            r.Stdout);
        Assert.Contains("User: Can you elaborate more on that?\n\nAssistant: It finds patterns in data.\n[Tokens: 60 in / 7 out · $0.000013 · ", r.Stdout);
        Assert.EndsWith(" s · gpt-4o-mini]\n", r.Stdout);
    }

    [Fact]
    public async Task HistoryShow_Json_MessagesArrayAndTurnsWithUsage()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("I'm fine.", promptTokens: 20, completionTokens: 34, cachedTokens: 8));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "-s", "Be kind.", "How are you?");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;

        var r = await parley.RunAsync("", "history", "show", id, "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(id, root.GetProperty("id").GetString());
        Assert.Equal("How are you?", root.GetProperty("title").GetString());
        Assert.Equal(
            [("system", "Be kind."), ("user", "How are you?"), ("assistant", "I'm fine.")],
            root.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())));
        var turn = Assert.Single(root.GetProperty("turns").EnumerateArray().ToArray());
        Assert.Equal("complete", turn.GetProperty("status").GetString());
        Assert.Equal(1, turn.GetProperty("user_index").GetInt32());
        Assert.Equal(2, turn.GetProperty("assistant_index").GetInt32());
        Assert.Equal(20, turn.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(34, turn.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(54, turn.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(8, turn.GetProperty("usage").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Number, turn.GetProperty("cost_usd").ValueKind);
        Assert.Equal("stop", turn.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task HistoryShowAndExport_UnknownId_Exit2()
    {
        using var parley = new ParleyProcess();

        var show = await parley.RunAsync("", "history", "show", "abcdef12");
        var export = await parley.RunAsync("", "history", "export", "abcdef12");
        var tooShort = await parley.RunAsync("", "history", "show", "ab");

        Assert.Equal(2, show.ExitCode);
        Assert.Contains("no saved conversation has the id 'abcdef12'", show.Stderr);
        Assert.Equal(2, export.ExitCode);
        Assert.Equal(2, tooShort.ExitCode);
    }

    [Fact]
    public async Task HistorySearch_FindsChineseTextAndShowsIdTitleSnippet()
    {
        using var parley = new ParleyProcess();
        var chinese = await ParleyDatabase.AddConversationAsync(parley, "今天北京的天气怎么样？", "Sunny.");
        await ParleyDatabase.AddConversationAsync(parley, "hello world", "Hello!");

        var trigram = await parley.RunAsync("", "history", "search", "天气怎么");
        var twoCharacters = await parley.RunAsync("", "history", "search", "北京");
        var json = await parley.RunAsync("", "history", "search", "WORLD", "--json");
        var none = await parley.RunAsync("", "history", "search", "nothing like this");

        Assert.Equal(0, trigram.ExitCode);
        var fields = Assert.Single(trigram.Stdout.TrimEnd('\n').Split('\n')).Split('\t');
        Assert.StartsWith(fields[0], chinese);
        Assert.Equal("今天北京的天气怎么样？", fields[1]);
        Assert.Equal("user: 今天北京的天气怎么样？", fields[2]);
        Assert.Equal(trigram.Stdout, twoCharacters.Stdout);
        using var doc = JsonDocument.Parse(json.Stdout);
        var hit = Assert.Single(doc.RootElement.EnumerateArray().ToArray());
        Assert.Equal("hello world", hit.GetProperty("title").GetString());
        Assert.Equal(32, hit.GetProperty("id").GetString()!.Length);
        Assert.Equal(0, none.ExitCode);
        Assert.Equal("", none.Stdout);
    }

    [Fact]
    public async Task HistoryRm_RemovesAndSaysWhatOnStderr()
    {
        using var parley = new ParleyProcess();
        await ParleyDatabase.AddConversationAsync(parley, "keep me", "ok");
        var id = await ParleyDatabase.AddConversationAsync(parley, "remove me", "ok");

        var r = await parley.RunAsync("", "history", "rm", id[..16]);
        var again = await parley.RunAsync("", "history", "rm", id[..16]);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains($"removed conversation {id} \"remove me\" (1 turn, 2 messages)", r.Stderr);
        Assert.Equal(["keep me"], (await ParleyDatabase.ListAsync(parley)).Select(c => c.Title));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("no saved conversation has the id", again.Stderr);
    }

    [Fact]
    public async Task HistoryRm_AmbiguousPrefix_Exit2ListsCandidatesAndRemovesNothing()
    {
        using var parley = new ParleyProcess();
        await ParleyDatabase.AddConversationAsync(parley, "one", "ok");
        await ParleyDatabase.AddConversationAsync(parley, "two", "ok");
        var ids = (await ParleyDatabase.ListAsync(parley)).Select(c => c.Id).ToArray();
        var common = ids[0].AsSpan().CommonPrefixLength(ids[1]);
        Assert.True(common >= 4, "UUID v7 ids made seconds apart share their first characters");

        var r = await parley.RunAsync("", "history", "rm", ids[0][..4]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("matches several conversations", r.Stderr);
        Assert.Contains(ids[0], r.Stderr);
        Assert.Contains(ids[1], r.Stderr);
        Assert.Equal(2, (await ParleyDatabase.ListAsync(parley)).Count);
    }
}
