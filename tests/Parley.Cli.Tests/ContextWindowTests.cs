using System.Text;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// <c>parley chat</c> over hundreds of long turns against a loopback server that enforces a small window with its own
/// word count (words + 3 per message + 3), not Parley's tokenizer.
/// </summary>
public class ContextWindowTests
{
    private const string System = "You are a helpful assistant.";

    private static readonly string[] Vocabulary = "alpha beta gamma delta river mountain cloud forest ocean stone light shadow garden window paper engine".Split(' ');

    [Fact]
    public async Task Chat_Budget_300LongTurns_NoRequestExceedsTheWindow()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        using var parley = await WithModelsAsync(new ParleyProcess().Against(server.OpenAIBaseUrl));
        var questions = Questions(320, 150);

        var r = await parley.RunAsync(string.Join('\n', questions) + "\n/context\n", "chat", "-m", "loopback-small", "-s", System, "--no-log");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(320, server.Requests.Count);
        AssertEveryRequestFits(server, questions);
        Assert.Contains("Policy: budget", r.Stderr);
        Assert.Contains("Window: 2,000 tokens for loopback-small (model catalog)", r.Stderr);
        Assert.Matches(@"Messages: \d+ sent \(system message included\) · 0 summarized · \d+ dropped · 640 in the conversation", r.Stderr);
        Assert.DoesNotContain("warning", r.Stderr);
    }

    [Fact]
    public async Task Chat_Summarize_300LongTurns_SummariesAreRecordedWithTheirCostAndRestoredOnContinue()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000, TruncateToMaxTokens = true });
        using var parley = await WithModelsAsync(new ParleyProcess().Against(server.OpenAIBaseUrl));
        var questions = Questions(320, 150);

        var r = await parley.RunAsync(string.Join('\n', questions) + "\n/usage\n", "chat", "-m", "loopback-small", "-s", System, "--context", "summarize", "-u");

        Assert.True(r.ExitCode == 0, r.ToString());
        var chats = server.Requests.Where(q => q.Messages[0].Content == System).ToList();
        var summaries = server.Requests.Where(q => q.Messages[0].Content != System).ToList();
        Assert.Equal(320, chats.Count);
        Assert.NotEmpty(summaries);
        AssertEveryRequestFits(server, questions);
        Assert.All(summaries, q => Assert.Equal("loopback-cheap", q.Model));
        Assert.Contains(chats, q => q.Messages[1].Role == "system" && q.Messages[1].Content.StartsWith(SummarizingPolicy.SummaryPrefix, StringComparison.Ordinal));
        Assert.Matches(@"context: [\d,]+ earlier messages sent as a summary(, dropped [\d,]+)? \(policy summarize, 2,000-token window\)", r.Stderr);

        // Summary calls are calls like any other: in the usage lines, in /usage, and in the database with their cost.
        Assert.Matches(@"· summary: [\d,]+ in / [\d,]+ out · \$", r.Stderr);
        Assert.Contains($"Calls: {server.Requests.Count} ·", r.Stderr);
        await using (var store = await SqliteConversationStore.OpenAsync(Path.Combine(parley.ParleyHome, "parley.db")))
        {
            var latest = await store.FindLatestAsync();
            var saved = await store.LoadAsync(latest!.Id);
            var recorded = saved.Turns.Where(t => t.IsSummary).ToList();
            Assert.Equal(summaries.Count, recorded.Count);
            Assert.All(recorded, t => Assert.True(t.CostUsd > 0));
            Assert.Equal("loopback-cheap", recorded[0].Model);
            Assert.False(string.IsNullOrEmpty(saved.Conversation.Summary));
            Assert.Equal("summarize", saved.Conversation.ContextPolicy);
            var report = await store.GetUsageReportAsync();
            Assert.Equal(summaries.Count, report.Total.SummaryCalls);
        }

        // -c continues with the saved policy and the running summary.
        var resumed = await parley.RunAsync("/context\nanother question\n", "chat", "-c");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("Policy: summarize", resumed.Stderr);
        Assert.Matches(@"· [1-9][\d,]* summarized ·", resumed.Stderr);
        Assert.Contains("Summary: ", resumed.Stderr);
        Assert.StartsWith(SummarizingPolicy.SummaryPrefix, server.Requests[^1].Messages[1].Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ServerWindowSmallerThanTheCatalog_RecoversOnceAndRemembersTheLimit()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        using var parley = await WithModelsAsync(new ParleyProcess().Against(server.OpenAIBaseUrl));
        var questions = Questions(40, 150);

        var first = await parley.RunAsync(string.Join('\n', questions) + "\n", "chat", "-m", "loopback-big", "-s", System, "--no-log");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Single(server.Requests, q => q.PromptSize > 2000);
        Assert.Equal(41, server.Requests.Count);
        Assert.Contains("the server limits loopback-big to 2,000 tokens (the catalog says 4,000)", first.Stderr);
        Assert.Equal(40, first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var facts = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(parley.ParleyHome, "learned-models.json")));
        var endpoint = LearnedModelFacts.EndpointKey(server.OpenAIBaseUrl);
        Assert.Equal(2000, facts.RootElement.GetProperty("endpoints").GetProperty(endpoint).GetProperty("loopback-big").GetProperty("context_limit").GetInt32());

        // A new process reads the learned limit: no error at all.
        var before = server.Requests.Count;
        var second = await parley.RunAsync(string.Join('\n', questions) + "\n/context\n", "chat", "-m", "loopback-big", "-s", System, "--no-log");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(40, server.Requests.Count - before);
        Assert.All(server.Requests.Skip(before), q => Assert.True(q.PromptSize <= 2000, $"{q.PromptSize} words"));
        Assert.DoesNotContain("warning", second.Stderr);
        Assert.Contains("Window: 2,000 tokens for loopback-big, learned from the server (the catalog says 4,000)", second.Stderr);
    }

    [Fact]
    public async Task OneShot_MessageTooLargeForTheWindow_Exits2AndSendsNothing()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = await WithModelsAsync(new ParleyProcess().Against(server.OpenAIBaseUrl));

        var r = await parley.RunAsync(Question(0, 3000), "-m", "loopback-small");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("loopback-small has a 2,000-token window and 500 are kept for the answer", r.Stderr);
        Assert.Contains("nothing was sent", r.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Chat_MessageTooLargeForTheWindow_IsRefusedTheChatGoesOnAndExits2()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = await WithModelsAsync(new ParleyProcess().Against(server.OpenAIBaseUrl));

        var r = await parley.RunAsync("hello\n" + Question(0, 3000) + "\nstill there?\n", "chat", "-m", "loopback-small", "--no-log");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("Echo: hello\nEcho: still there?\n", r.Stdout);
        Assert.Contains("nothing was sent", r.Stderr);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(["user", "assistant", "user"], server.Requests[1].Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Chat_LastN_SendsTheSystemMessageAndTheLastMessages()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("q1\nq2\nq3\n/context\n", "chat", "-s", "sys", "--context", "last:3", "--no-log");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([("system", "sys"), ("user", "q2"), ("assistant", "Echo: q2"), ("user", "q3")], server.Requests[2].Messages);
        Assert.Contains("Policy: last:3 · the system message and the last 3 messages", r.Stderr);
    }

    [Fact]
    public async Task Chat_Summarize_SummaryCallFails_WarnsOnStderrAndAnswersEveryQuestion()
    {
        // The summaries are written by a model on another server, which refuses every call.
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        await using var summarizer = await LoopbackServer.StartAsync(new LoopbackServerOptions { OllamaModels = [new OllamaModel("tiny")] });
        for (var i = 0; i < 50; i++)
        {
            summarizer.Enqueue(ScriptedResponse.Error(400, "the summary model is unavailable", "invalid_request_error", "unavailable"));
        }

        using var parley = (await WithModelsAsync(new ParleyProcess().Against(server.OpenAIBaseUrl))).With("OLLAMA_HOST", summarizer.BaseAddress.ToString().TrimEnd('/'));
        var questions = Questions(20, 150);

        var r = await parley.RunAsync(string.Join('\n', questions) + "\n", "chat", "-m", "loopback-small", "-s", System, "--context", "summarize", "--summary-model", "ollama:tiny", "--no-log");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(20, server.Requests.Count);
        Assert.NotEmpty(summarizer.Requests);
        var warnings = r.Stderr.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Matches(
            @"^warning: the summary call failed \(.*the summary model is unavailable.*\): this turn sends the newest messages that fit instead \(budget\)$", w));
    }

    [Theory]
    [InlineData("--context", "everything", "--context must be keep-all, last:N, budget or summarize")]
    [InlineData("--context", "last:0", "--context must be keep-all, last:N, budget or summarize")]
    [InlineData("--summarize-at", "lots", "--summarize-at must be a number of tokens or a percentage")]
    [InlineData("--reserve-output", "-3", "--reserve-output must be a whole number")]
    public async Task Chat_BadContextFlag_Exits2(string flag, string value, string message)
    {
        using var parley = new ParleyProcess().With("OPENAI_API_KEY", "sk-test-0123456789abcdef");

        var r = await parley.RunAsync("hi\n", "chat", flag, value);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    private static void AssertEveryRequestFits(LoopbackServer server, IReadOnlyList<string> questions)
    {
        Assert.All(server.Requests, q => Assert.True(q.PromptSize <= 2000, $"a request of {q.PromptSize} words"));
        var chats = server.Requests.Where(q => q.Messages[0].Content == System).ToList();
        Assert.All(chats, q => Assert.Equal("system", q.Messages[0].Role));
        Assert.Equal(questions, chats.Select(q => q.Messages[^1].Content));
    }

    private static async Task<ParleyProcess> WithModelsAsync(ParleyProcess parley)
    {
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(Path.Combine(parley.ParleyHome, "config.json"), """
            {
              "models": {
                "loopback-small": {"provider": "openai", "encoding": "o200k_base", "context_window": 2000, "max_output_tokens": 500, "input_per_million": 0.15, "output_per_million": 0.6},
                "loopback-big": {"provider": "openai", "encoding": "o200k_base", "context_window": 4000, "max_output_tokens": 500, "input_per_million": 0.15, "output_per_million": 0.6},
                "loopback-cheap": {"provider": "openai", "encoding": "o200k_base", "context_window": 2000, "max_output_tokens": 500, "input_per_million": 0.01, "output_per_million": 0.02}
              }
            }
            """);
        return parley;
    }

    private static List<string> Questions(int count, int words)
    {
        return [.. Enumerable.Range(0, count).Select(i => Question(i, words))];
    }

    private static string Question(int index, int words)
    {
        var random = new Random(index);
        var text = new StringBuilder($"Question {index}:");
        for (var i = 0; i < words; i++)
        {
            text.Append(' ').Append(Vocabulary[random.Next(Vocabulary.Length)]);
        }

        return text.ToString();
    }
}
