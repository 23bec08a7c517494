using System.Globalization;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>parley usage</c>: tokens and cost by day, model and conversation.</summary>
public class UsageCommandTests
{
    [Fact]
    public async Task Usage_Piped_TotalDayModelAndConversationLines()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("a", promptTokens: 100, completionTokens: 10));
        server.Enqueue(ScriptedResponse.Text("b", promptTokens: 200, completionTokens: 20));
        server.Enqueue(ScriptedResponse.Text("c", promptTokens: 1000, completionTokens: 100));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("one\ntwo\n", "chat");
        await parley.RunAsync("", "-m", "gpt-4o", "three");
        var conversations = await ParleyDatabase.ListAsync(parley);

        var r = await parley.RunAsync("", "usage");

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["total", "total", "-", "3", "1300", "130", "1430"], lines[0][..7]);
        var day = Assert.Single(lines, l => l[0] == "day");
        Assert.Equal(DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day[1]);
        Assert.Equal(["model", "gpt-4o", "-", "1", "1000", "100", "1100", "0.0035", "0", "0"], lines.Single(l => l[0] == "model" && l[1] == "gpt-4o"));
        Assert.Equal(["model", "gpt-4o-mini", "-", "2", "300", "30", "330", "0.000063", "0", "0"], lines.Single(l => l[0] == "model" && l[1] == "gpt-4o-mini"));
        var byConversation = lines.Where(l => l[0] == "conversation").ToArray();
        Assert.Equal(2, byConversation.Length);
        Assert.Equal(conversations.Single(c => c.Title == "three").Id, byConversation[0][1]);
        Assert.Equal("one", byConversation[1][2]);
    }

    [Fact]
    public async Task Usage_Json_NumbersPerGroup()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("a", promptTokens: 100, completionTokens: 10, cachedTokens: 50));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "hello");

        var r = await parley.RunAsync("", "usage", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("since").ValueKind);
        Assert.Equal(1, root.GetProperty("total").GetProperty("chat_turns").GetInt32());
        Assert.Equal(110, root.GetProperty("total").GetProperty("total_tokens").GetInt64());
        Assert.Equal(50, root.GetProperty("total").GetProperty("cached_input_tokens").GetInt64());
        Assert.True(root.GetProperty("total").GetProperty("cost_usd").GetDecimal() > 0);
        Assert.Equal("gpt-4o-mini", Assert.Single(root.GetProperty("by_model").EnumerateArray().ToArray()).GetProperty("model").GetString());
        var conversation = Assert.Single(root.GetProperty("by_conversation").EnumerateArray().ToArray());
        Assert.Equal(32, conversation.GetProperty("id").GetString()!.Length);
        Assert.Equal("hello", conversation.GetProperty("title").GetString());
        Assert.Single(root.GetProperty("by_day").EnumerateArray().ToArray());
    }

    /// <summary>
    /// One answered turn (gpt-4o-mini), one failed turn (a mistyped model), one interrupted turn that had used tokens,
    /// and one summary call (gpt-4.1-nano), saved straight into the child's database.
    /// </summary>
    private static async Task SeedMixedTurnsAsync(ParleyProcess parley)
    {
        var id = await ParleyDatabase.AddConversationAsync(parley, "hello", "hi there");
        await using var store = await ParleyDatabase.OpenAsync(parley);
        var failed = await store.BeginTurnAsync(id, new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "again"));
        await store.CompleteTurnAsync(failed, null, new TurnOutcome { Status = TurnStatus.Failed, Model = "gpt-4o-mni", Error = "model not found" });
        var interrupted = await store.BeginTurnAsync(id, new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "long one"));
        await store.CompleteTurnAsync(interrupted, null, new TurnOutcome
        {
            Status = TurnStatus.Interrupted,
            Model = "gpt-4o-mini",
            Usage = new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 20, OutputTokenCount = 3, TotalTokenCount = 23 },
            CostUsd = 0.0000048m,
        });
        await store.RecordSummaryCallAsync(id, new TurnOutcome
        {
            Model = "gpt-4.1-nano",
            Usage = new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 300, OutputTokenCount = 40, TotalTokenCount = 340 },
            CostUsd = 0.000046m,
        });
    }

    [Fact]
    public async Task Usage_Json_CountsOnlyAnsweredTurnsAndSummaryCallsApart()
    {
        using var parley = new ParleyProcess();
        await SeedMixedTurnsAsync(parley);

        var r = await parley.RunAsync("", "usage", "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var total = doc.RootElement.GetProperty("total");
        Assert.Equal(1, total.GetProperty("chat_turns").GetInt32());
        Assert.Equal(1, total.GetProperty("summary_calls").GetInt32());
        Assert.Equal(2, total.GetProperty("unfinished_turns").GetInt32());
        Assert.Equal(15 + 23 + 340, total.GetProperty("total_tokens").GetInt64());
        var models = doc.RootElement.GetProperty("by_model").EnumerateArray().ToDictionary(m => m.GetProperty("model").GetString()!);
        Assert.Equal((0, 1, 0), Counts(models["gpt-4.1-nano"]));
        Assert.Equal((1, 0, 1), Counts(models["gpt-4o-mini"]));
        Assert.Equal((0, 0, 1), Counts(models["gpt-4o-mni"]));

        static (int, int, int) Counts(JsonElement row) => (
            row.GetProperty("chat_turns").GetInt32(), row.GetProperty("summary_calls").GetInt32(), row.GetProperty("unfinished_turns").GetInt32());
    }

    [Fact]
    public async Task Usage_Piped_SummaryCallsAndUnfinishedTurnsHaveTheirOwnColumns()
    {
        using var parley = new ParleyProcess();
        await SeedMixedTurnsAsync(parley);

        var r = await parley.RunAsync("", "usage");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["total", "total", "-", "1", "330", "48", "378", "0.0000553", "1", "2"], lines[0]);
        Assert.Equal(["model", "gpt-4.1-nano", "-", "0", "300", "40", "340", "0.000046", "1", "0"], lines.Single(l => l[0] == "model" && l[1] == "gpt-4.1-nano"));
    }

    [Fact]
    public async Task Usage_Since_CountsLocalDays()
    {
        // UTC+14: "today" there is often another date than in UTC, so this checks that days are local.
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("TZ", "Pacific/Kiritimati");
        await parley.RunAsync("", "hello");
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(14)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var tomorrow = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(14)).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var fromToday = await parley.RunAsync("", "usage", "--json", "--since", today);
        var fromTomorrow = await parley.RunAsync("", "usage", "--json", "--since", tomorrow);

        using var included = JsonDocument.Parse(fromToday.Stdout);
        Assert.Equal(today, included.RootElement.GetProperty("since").GetString());
        Assert.Equal(1, included.RootElement.GetProperty("total").GetProperty("chat_turns").GetInt32());
        Assert.Equal(today, Assert.Single(included.RootElement.GetProperty("by_day").EnumerateArray().ToArray()).GetProperty("day").GetString());
        using var excluded = JsonDocument.Parse(fromTomorrow.Stdout);
        Assert.Equal(0, excluded.RootElement.GetProperty("total").GetProperty("chat_turns").GetInt32());
    }

    [Theory]
    [InlineData("2025-13-01")]
    [InlineData("yesterday")]
    [InlineData("2025/06/01")]
    public async Task Usage_SinceNotADate_Exit2(string since)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync("", "usage", "--since", since);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not a date: use YYYY-MM-DD", r.Stderr);
        Assert.Equal("", r.Stdout);
    }
}
