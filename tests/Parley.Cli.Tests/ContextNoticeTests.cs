using System.Text.Json;
using Microsoft.Data.Sqlite;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// History is never left out silently: when the context policy drops messages (or sends them only as the summary), a
/// one-shot and <c>parley chat</c> say so in one stderr line, <c>--json</c> carries the counts, and the saved turn
/// records them.
/// </summary>
public class ContextNoticeTests
{
    [Fact]
    public async Task OneShot_ContinueWithLastN_SaysWhatWasDroppedOnStderrInJsonAndInTheSavedTurn()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        Assert.Equal(0, (await parley.RunAsync("", "q1")).ExitCode);
        Assert.Equal(0, (await parley.RunAsync("", "-c", "q2")).ExitCode);

        var r = await parley.RunAsync("", "-c", "--context", "last:3", "--json", "q3");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([("user", "q2"), ("assistant", "Echo: q2"), ("user", "q3")], server.Requests[^1].Messages);
        Assert.Contains("context: dropped 2 earlier messages (policy last:3)\n", r.Stderr);
        string conversationId;
        using (var json = JsonDocument.Parse(r.Stdout))
        {
            conversationId = json.RootElement.GetProperty("conversation_id").GetString()!;
            var context = json.RootElement.GetProperty("context");
            Assert.Equal("last:3", context.GetProperty("policy").GetString());
            Assert.Equal(2, context.GetProperty("dropped_messages").GetInt32());
            Assert.Equal(0, context.GetProperty("summarized_messages").GetInt32());
            Assert.Equal(3, context.GetProperty("messages_sent").GetInt32());
        }

        Assert.Equal([(0L, 0L), (0L, 0L), (2L, 0L)], ChatTurnContext(parley));
        var shown = await parley.RunAsync("", "history", "show", conversationId);
        Assert.Contains("2 earlier messages dropped", shown.Stdout + shown.Stderr);
    }

    [Fact]
    public async Task OneShot_NothingDropped_PrintsNoNoticeAndJsonHasZeroes()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("", "--json", "hello");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("context:", r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var context = json.RootElement.GetProperty("context");
        Assert.Equal(0, context.GetProperty("dropped_messages").GetInt32());
        Assert.Equal(0, context.GetProperty("summarized_messages").GetInt32());
    }

    [Fact]
    public async Task Chat_Piped_DroppedMessages_OneLinePerTurnThatDroppedAndSavedWithTheTurn()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("q1\nq2\nq3\nq4\n", "chat", "--context", "last:3");

        Assert.True(r.ExitCode == 0, r.ToString());
        var notices = r.Stderr.Split('\n').Where(l => l.StartsWith("context:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["context: dropped 2 earlier messages (policy last:3)", "context: dropped 4 earlier messages (policy last:3)"],
            notices);
        Assert.Equal([(0L, 0L), (0L, 0L), (2L, 0L), (4L, 0L)], ChatTurnContext(parley));
    }

    [Fact]
    public async Task Chat_Budget_DroppedToFitTheWindow_NamesTheWindow()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(Path.Combine(parley.ParleyHome, "config.json"), """
            {"models": {"loopback-tiny": {"provider": "openai", "encoding": "o200k_base", "context_window": 1000, "max_output_tokens": 100}}}
            """);
        var question = string.Join(' ', Enumerable.Repeat("river", 300));

        var r = await parley.RunAsync($"{question}\n{question}\n", "chat", "-m", "loopback-tiny", "--no-log");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Single(server.Requests[1].Messages);
        Assert.Contains("context: dropped 2 earlier messages (policy budget, 1,000-token window)", r.Stderr);
    }

    // (context_dropped, context_summarized) of each chat turn, read from the file without Parley's code.
    private static List<(long, long)> ChatTurnContext(ParleyProcess parley)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ParleyDatabase.PathOf(parley), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT context_dropped, context_summarized FROM turns WHERE kind = 'chat' ORDER BY created_at, rowid;";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }

        return rows;
    }
}
