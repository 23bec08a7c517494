using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.TestServer;

namespace Parley.Tests.Context;

/// <summary>A session keeps long conversations inside the window the loopback server enforces with its own word count.</summary>
public class ChatSessionContextTests
{
    private const string System = "You are a helpful assistant.";

    private static readonly ModelCatalog Catalog = ModelCatalog.BuiltIn.WithOverrides(JsonDocument.Parse("""
        {
          "loopback-small": {"provider": "openai", "encoding": "o200k_base", "context_window": 2000, "max_output_tokens": 500, "input_per_million": 0.05, "output_per_million": 0.1},
          "loopback-big": {"provider": "openai", "encoding": "o200k_base", "context_window": 4000, "max_output_tokens": 500, "input_per_million": 0.05, "output_per_million": 0.1}
        }
        """).RootElement);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Budget_LongConversation_NeverExceedsTheServerWindow(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        var session = Session(server, "loopback-small", ContextPolicy.TokenBudget());

        for (var i = 0; i < 30; i++)
        {
            await Turn(session, Question(i, 100), streaming);
        }

        Assert.Equal(30, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.True(r.PromptSize <= 2000, $"{r.PromptSize} words"));
        Assert.All(server.Requests, r => Assert.Equal(("system", System), r.Messages[0]));
        Assert.All(server.Requests.Select((r, i) => (r, i)), x => Assert.Equal(Question(x.i, 100), x.r.Messages[^1].Content));
        Assert.True(session.LastTurn!.Context!.MessagesDropped > 0);
        Assert.Equal(61, session.History.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NoPolicySet_LongConversation_FitsTheWindowLikeTheCli(bool streaming)
    {
        // The library's default is the CLI's: the token budget, so a long conversation never overflows the window.
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        var session = Session(server, "loopback-small", policy: null);

        for (var i = 0; i < 30; i++)
        {
            await Turn(session, Question(i, 100), streaming);
        }

        Assert.IsType<TokenBudgetPolicy>(session.Context);
        Assert.Equal(30, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.True(r.PromptSize <= 2000, $"{r.PromptSize} words"));
        Assert.All(server.Requests, r => Assert.Equal(("system", System), r.Messages[0]));
        Assert.Equal("budget", session.LastTurn!.Context!.Policy);
        Assert.True(session.LastTurn.Context.MessagesDropped > 0);
        Assert.Equal(61, session.History.Count);
    }

    [Fact]
    public async Task KeepAllSetExplicitly_LongConversation_IsRefusedOnceTheWindowIsFull()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        var session = Session(server, "loopback-small", ContextPolicy.KeepAll());

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await session.SendAsync(Question(i, 100));
            }
        });

        Assert.Equal(2000, error.ContextWindow);
        Assert.IsType<KeepAllPolicy>(session.Context);
        Assert.InRange(server.Requests.Count, 1, 29);
        // Every request sent carried the whole conversation: the system message and each question and answer so far.
        Assert.All(server.Requests, r => Assert.Equal(2 * r.Messages.Count(m => m.Role == "user"), r.Messages.Count));
    }

    [Fact]
    public async Task NoPolicySet_UnknownWindow_SendsTheWholeHistory()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = Session(server, "my-vllm-model", policy: null);

        for (var i = 0; i < 6; i++)
        {
            await session.SendAsync(Question(i, 100));
        }

        Assert.Null(session.ContextBudget);
        Assert.Equal(12, server.Requests[^1].Messages.Count);
        Assert.Equal(0, session.LastTurn!.Context!.MessagesDropped);
    }

    [Fact]
    public async Task NoPolicySet_ContextIsATokenBudgetShownEverywhere()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using var store = await SqliteConversationStore.OpenInMemoryAsync();
        var options = new ChatSessionOptions { Model = "loopback-small", Catalog = Catalog, Store = store };
        var session = new ChatSession(ServerClients.Create(server, "loopback-small"), options);

        await session.SendAsync("hello");

        Assert.IsType<TokenBudgetPolicy>(session.Context);
        Assert.Null(options.Context); // the session's own copy holds the default, never the caller's options
        Assert.Equal("budget", (await session.GetContextReportAsync()).Policy);
        Assert.Equal("budget", (await store.LoadAsync(session.ConversationId!)).Conversation.ContextPolicy);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HugeMessage_CannotFitAfterThePolicy_IsRefusedAndNothingIsSent(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = Session(server, "loopback-small", ContextPolicy.TokenBudget());
        await Turn(session, "hello", streaming);

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() => Turn(session, Question(0, 3000), streaming));

        Assert.Equal(2000, error.ContextWindow);
        Assert.Equal(500, error.ReservedOutput);
        Assert.Single(server.Requests);
        Assert.Equal(3, session.History.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ServerWindowSmallerThanTheCatalog_FirstOverflowIsRecoveredAndTheLimitLearned(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        var limits = new FakeContextLimits();
        var log = new RecordingLogger();
        var session = Session(server, "loopback-big", ContextPolicy.TokenBudget(), o =>
        {
            o.LearnedFacts = limits;
            o.LoggerFactory = log;
        });

        var turns = new List<ChatTurn>();
        for (var i = 0; i < 30; i++)
        {
            turns.Add(await Turn(session, Question(i, 100), streaming));
        }

        Assert.Single(server.Requests, r => r.PromptSize > 2000);
        Assert.Equal(31, server.Requests.Count);
        Assert.Equal(2000, Assert.Single(limits.Saved, e => e.Key == FakeContextLimits.Key(server.OpenAIBaseUrl, "loopback-big")).Value);
        Assert.Equal(
            "the server limits loopback-big to 2,000 tokens (the catalog says 4,000): the question is sent again with the history trimmed to fit; the limit is remembered for next time",
            Assert.Single(log.SessionWarnings));
        var learned = Assert.Single(log.Events, e => e.EventId.Id == ParleyTelemetry.ContextLimitLearned);
        Assert.Equal(LogLevel.Warning, learned.Level);
        Assert.Equal(2000, learned["Limit"]);
        Assert.Equal(LearnedModelFacts.EndpointKey(server.OpenAIBaseUrl), learned["Endpoint"]);
        var recovered = Assert.Single(turns, t => t.Context!.Recovered);
        Assert.Equal(TurnStatus.Complete, recovered.Status);
        Assert.Equal(2000, turns[^1].Context!.ContextWindow);
        Assert.True(turns[^1].Context!.IsLearnedWindow);
        Assert.Equal(30, session.Usage.Calls);

        // A new session that reads the learned limit never overflows.
        server.ContextWindow = 2000;
        var before = server.Requests.Count;
        var next = Session(server, "loopback-big", ContextPolicy.TokenBudget(), o => o.LearnedFacts = limits);
        for (var i = 0; i < 30; i++)
        {
            await Turn(next, Question(i, 100), streaming);
        }

        Assert.All(server.Requests.Skip(before), r => Assert.True(r.PromptSize <= 2000, $"{r.PromptSize} words"));
    }

    [Fact]
    public async Task LearnedLimit_FromAnotherEndpointWithTheSameModel_IsNotApplied()
    {
        using var temp = new TempDirectory();
        var facts = new LearnedModelFacts(temp.File("learned-models.json"));
        await using var small = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        await using var normal = await LoopbackServer.StartAsync();
        void Remember(ChatSessionOptions o)
        {
            o.LearnedFacts = facts;
        }

        var learning = Session(small, "loopback-big", ContextPolicy.TokenBudget(), Remember);
        for (var i = 0; i < 30; i++)
        {
            await learning.SendAsync(Question(i, 100));
        }

        Assert.Equal(2000, facts.GetContextLimit(small.OpenAIBaseUrl, "loopback-big"));

        var other = Session(normal, "loopback-big", ContextPolicy.TokenBudget(), Remember);
        for (var i = 0; i < 8; i++)
        {
            await other.SendAsync(Question(i, 100));
        }

        Assert.Equal(0, other.LastTurn!.Context!.MessagesDropped);
        Assert.False(other.LastTurn.Context.IsLearnedWindow);
        Assert.Equal(16, normal.Requests[^1].Messages.Count); // the system message and all 15 messages so far
    }

    [Fact]
    public async Task Endpoint_OpenAIAndOllamaClients_IsTheServersBaseUrl()
    {
        await using var server = await LoopbackServer.StartAsync();

        var openAI = new ChatSession(ServerClients.Create(server, "gpt-4o-mini"));
        var ollama = new ChatSession(OllamaServerClients.Create(server));

        Assert.Equal(LearnedModelFacts.EndpointKey(server.OpenAIBaseUrl), LearnedModelFacts.EndpointKey(openAI.Endpoint!));
        Assert.Equal(LearnedModelFacts.EndpointKey(server.BaseAddress), LearnedModelFacts.EndpointKey(ollama.Endpoint!));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LearnedLimit_FarBelowTheCatalogWindow_WarnsOnceAndNeverRefusesToSend(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var log = new RecordingLogger();
        var session = Session(server, "loopback-big", ContextPolicy.TokenBudget(), o =>
        {
            o.LearnedFacts = new FakeContextLimits { Always = 100 }; // under a quarter of the catalog's 4,000
            o.LoggerFactory = log;
        });

        var first = await Turn(session, Question(0, 300), streaming);
        await Turn(session, Question(1, 300), streaming);

        Assert.Equal(TurnStatus.Complete, first.Status);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(Question(0, 300), server.Requests[0].Messages[^1].Content);
        var warning = Assert.Single(log.SessionWarnings);
        Assert.Contains("far below", warning);
        Assert.Contains("100 tokens", warning);
    }

    [Fact]
    public async Task Summarize_WithStore_RecordsSummaryCallsAndRestoresTheSummaryOnResume()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000, TruncateToMaxTokens = true });
        await using var store = await SqliteConversationStore.OpenInMemoryAsync();
        var client = ServerClients.Create(server, "loopback-small");
        var policy = ContextPolicy.Summarize(client, new SummarizingPolicyOptions { SummaryModel = "loopback-small" });
        var session = Session(server, "loopback-small", policy, o => o.Store = store, client);

        for (var i = 0; i < 20; i++)
        {
            await session.SendAsync(Question(i, 100));
        }

        var saved = await store.LoadAsync(session.ConversationId!);
        var summaries = saved.Turns.Where(t => t.IsSummary).ToList();
        Assert.NotEmpty(summaries);
        Assert.All(summaries, t => Assert.True(t.CostUsd > 0));
        Assert.Equal(summaries.Count, session.Turns.Sum(t => t.Context!.SummaryCalls.Count));
        Assert.Equal(20 + summaries.Count, session.Usage.Calls);
        Assert.Equal(session.Summary!.Text, saved.Conversation.Summary);
        Assert.All(server.Requests, r => Assert.True(r.PromptSize <= 2000, $"{r.PromptSize} words"));

        var resumed = await ChatSession.ResumeAsync(client, store, saved.Conversation.Id, new ChatSessionOptions { Catalog = Catalog, Context = policy });
        Assert.Equal(session.Summary.Text, resumed.Summary!.Text);
        var report = await resumed.GetContextReportAsync();
        Assert.Equal(session.LastTurn!.Context!.MessagesSummarized, report.MessagesSummarized);

        await resumed.SendAsync("one more question");
        var last = server.Requests[^1].Messages;
        Assert.Equal(("system", System), last[0]);
        Assert.Equal(("system", SummarizingPolicy.SummaryPrefix + session.Summary.Text), last[1]);
    }

    [Fact]
    public async Task Summarize_SummaryCallFails_TurnSucceedsWithAWarning()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        var summarizer = new FakeSummarizer { Answer = (_, _) => throw new ParleyApiException(ApiFailureKind.HttpError, "the summary model is overloaded", 503) };
        var log = new RecordingLogger();
        var session = Session(server, "loopback-small", ContextPolicy.Summarize(summarizer), o => o.LoggerFactory = log);

        for (var i = 0; i < 20; i++)
        {
            await session.SendAsync(Question(i, 100));
        }

        var warnings = log.SessionWarnings;
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Contains("overloaded", w));
        Assert.Equal(warnings, session.Turns.SelectMany(t => t.Context!.Warnings));
        var failed = log.Events.Where(e => e.EventId.Id == ParleyTelemetry.SummaryCallCompleted).ToList();
        Assert.Equal(warnings.Count, failed.Count);
        Assert.All(failed, e => Assert.Equal(false, e["Succeeded"]));
        Assert.Equal(20, log.Events.Count(e => e.EventId.Id == ParleyTelemetry.ContextApplied && e.Level == LogLevel.Debug));
        Assert.Contains("Parley.ChatSession", log.Categories);
        Assert.DoesNotContain(log.Events, e => e.Level > LogLevel.Trace
            && string.Join("\n", [e.Message, .. e.Properties.Select(p => $"{p.Value}")]).Contains("mountain", StringComparison.Ordinal)); // no question text
        Assert.Equal(20, session.Turns.Count(t => t.Status == TurnStatus.Complete));
        Assert.All(server.Requests, r => Assert.True(r.PromptSize <= 2000));
        Assert.Equal(20, session.Usage.Calls);
    }

    [Fact]
    public async Task GetContextReportAsync_AfterTurns_ReportsWindowPolicyAndCounts()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = Session(server, "loopback-small", ContextPolicy.LastMessages(4));
        for (var i = 0; i < 5; i++)
        {
            await session.SendAsync(Question(i, 10));
        }

        var report = await session.GetContextReportAsync();

        Assert.Equal("last:4", report.Policy);
        Assert.Equal(2000, report.ContextWindow);
        Assert.Equal(500, report.ReservedOutput);
        Assert.Equal(10, report.HistoryMessages);
        Assert.Equal(5, report.MessagesSent);
        Assert.Equal(6, report.MessagesDropped);
        Assert.Equal(new TokenCounter().CountPrompt(session.History.Take(1).Concat(session.History.Skip(7)), session.ModelInfo).Value, report.PromptTokens);
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task GetContextReportAsync_Summarize_NamesTheTurnsKeptAndTheSummaryModel()
    {
        await using var server = await LoopbackServer.StartAsync();
        var policy = ContextPolicy.Summarize(new FakeSummarizer(), new SummarizingPolicyOptions { KeepLastTurns = 3, SummaryModel = "gpt-4.1-nano" });
        var session = Session(server, "loopback-small", policy);

        var report = await session.GetContextReportAsync();

        Assert.Equal("summarize", report.Policy);
        Assert.Equal(3, report.SummaryKeepsLastTurns);
        Assert.Equal("gpt-4.1-nano", report.SummaryModel);
        Assert.Null((await Session(server, "loopback-small", ContextPolicy.LastMessages(4)).GetContextReportAsync()).SummaryKeepsLastTurns);
    }

    private static ChatSession Session(LoopbackServer server, string model, ContextPolicy? policy, Action<ChatSessionOptions>? configure = null, IChatClient? client = null)
    {
        var options = new ChatSessionOptions { Model = model, SystemPrompt = System, Catalog = Catalog, Context = policy };
        configure?.Invoke(options);
        return new ChatSession(client ?? ServerClients.Create(server, model), options);
    }

    private static string Question(int i, int words) =>
        $"Question {i}: " + string.Join(' ', Enumerable.Range(0, words).Select(w => (w % 7) switch
        {
            0 => "river",
            1 => "mountain",
            2 => "garden",
            3 => "window",
            4 => "paper",
            5 => "engine",
            _ => "light",
        }));

    private static async Task<ChatTurn> Turn(ChatSession session, string text, bool streaming)
    {
        if (!streaming)
        {
            return await session.SendAsync(text);
        }

        await foreach (var _ in session.StreamAsync(text))
        {
        }

        return session.LastTurn!;
    }
}
