using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Tests.Resilience;

namespace Parley.Tests.Storage;

/// <summary>
/// Behaviour every store must share; run once per store by a derived class whose only job is to open its store
/// (SQLite file, SQLite in memory; a PostgreSQL store adds one more).
/// </summary>
public abstract class ConversationStoreContractTests
{
    protected static readonly TimeZoneInfo PlusTwo = TimeZoneInfo.CreateCustomTimeZone("test+02", TimeSpan.FromHours(2), "test+02", "test+02");

    protected abstract Task<IConversationStore> OpenAsync(ConversationStoreOptions? options = null);

    private static TurnOutcome Outcome(int input, int output, decimal? cost, string model = "gpt-4o-mini") => new()
    {
        Model = model,
        Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output, CachedInputTokenCount = input / 2, ReasoningTokenCount = output / 2 },
        CostUsd = cost,
        FinishReason = ChatFinishReason.Stop,
        Latency = TimeSpan.FromMilliseconds(1234),
        TimeToFirstToken = TimeSpan.FromMilliseconds(210),
    };

    private static async Task<TurnRecord> ChatAsync(IConversationStore store, string conversationId, string question, string answer, TurnOutcome outcome)
    {
        var pending = await store.BeginTurnAsync(conversationId, new ChatMessage(ChatRole.User, question));
        return await store.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, answer), outcome);
    }

    /// <summary>Records compare <see cref="UsageDetails"/> by reference; compare its counts instead.</summary>
    private static void AssertSameTurn(TurnRecord expected, TurnRecord actual)
    {
        Assert.Equal(expected with { Usage = actual.Usage }, actual);
        Assert.Equal(
            (expected.Usage.InputTokenCount, expected.Usage.OutputTokenCount, expected.Usage.CachedInputTokenCount, expected.Usage.ReasoningTokenCount, expected.Usage.TotalTokenCount),
            (actual.Usage.InputTokenCount, actual.Usage.OutputTokenCount, actual.Usage.CachedInputTokenCount, actual.Usage.ReasoningTokenCount, actual.Usage.TotalTokenCount));
    }

    [SkippableFact]
    public async Task CreateConversation_New_IdIsUuidV7InLowercaseHex()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini", Provider = "openai", SystemPrompt = "Be brief." });

        Assert.Matches("^[0-9a-f]{32}$", conversation.Id);
        Assert.Equal(7, Guid.ParseExact(conversation.Id, "N").Version);
        Assert.Null(conversation.Title);
        Assert.Equal("Be brief.", conversation.SystemPrompt);
    }

    [SkippableFact]
    public async Task CreateConversation_WithKeyName_LoadAndListShowIt()
    {
        await using var store = await OpenAsync();
        var keyed = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini", KeyName = "alice" });
        await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini" });

        Assert.Equal("alice", keyed.KeyName);
        Assert.Equal("alice", (await store.LoadAsync(keyed.Id)).Conversation.KeyName);
        Assert.Equal([null, "alice"], (await store.ListAsync()).Select(c => c.KeyName));
    }

    [SkippableFact]
    public async Task CreateConversation_SameClientIdAndKey_ReturnsTheSameConversation()
    {
        await using var store = await OpenAsync();
        var first = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini", KeyName = "alice", ClientId = "chat-1" });
        await store.AppendMessagesAsync(first.Id, [new ChatMessage(ChatRole.User, "remember me")]);

        var again = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini", KeyName = "alice", ClientId = "chat-1" });

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("remember me", Assert.Single((await store.LoadAsync(again.Id)).Messages).Message.Text);
        Assert.Single(await store.ListAsync());
    }

    [SkippableFact]
    public async Task CreateConversation_SameClientIdOtherKeyOrNoKey_DifferentConversations()
    {
        await using var store = await OpenAsync();
        var alice = await store.CreateConversationAsync(new NewConversation { KeyName = "alice", ClientId = "chat-1" });
        var bob = await store.CreateConversationAsync(new NewConversation { KeyName = "bob", ClientId = "chat-1" });
        var anonymous = await store.CreateConversationAsync(new NewConversation { ClientId = "chat-1" });
        var anonymousAgain = await store.CreateConversationAsync(new NewConversation { ClientId = "chat-1" });
        var other = await store.CreateConversationAsync(new NewConversation { KeyName = "alice", ClientId = "chat-2" });

        Assert.Equal(5, new[] { alice.Id, bob.Id, anonymous.Id, other.Id, (await store.CreateConversationAsync(new NewConversation { KeyName = "alice" })).Id }.Distinct().Count());
        Assert.Equal(anonymous.Id, anonymousAgain.Id);
    }

    [SkippableFact]
    public async Task CreateConversation_ConcurrentSameClientId_AllGetOneConversation()
    {
        await using var store = await OpenAsync();

        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            store.CreateConversationAsync(new NewConversation { KeyName = "alice", ClientId = "race" }))));

        Assert.Single(created.Select(c => c.Id).Distinct());
        Assert.Single(await store.ListAsync());
    }

    [SkippableFact]
    public async Task UsageReport_ConversationsOfKeys_GroupedByKeyName()
    {
        await using var store = await OpenAsync();
        foreach (var (key, cost) in new[] { ("alice", 0.01m), ("bob", 0.05m), ("alice", 0.02m), ((string?)null, 0.5m) })
        {
            var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini", KeyName = key });
            await ChatAsync(store, conversation.Id, "q", "a", Outcome(10, 5, cost));
        }

        var report = await store.GetUsageReportAsync();

        Assert.Equal(["bob", "alice"], report.ByKey.Select(r => r.Key));
        Assert.Equal((0.05m, 0.03m), (report.ByKey[0].CostUsd, report.ByKey[1].CostUsd));
        Assert.Equal(2, report.ByKey[1].ChatTurns);
        Assert.Equal(0.58m, report.Total.CostUsd);
    }

    [SkippableFact]
    public async Task BeginAndCompleteTurn_Load_ReturnsMessagesInOrderWithUsageAndTimings()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini" });
        await store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.System, "You are helpful.")]);

        var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "What is AI?"), new Dictionary<string, int> { ["o200k_base"] = 4 });
        var outcome = Outcome(20, 30, 0.0012m);
        var turn = await store.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, "Artificial intelligence."), outcome, new Dictionary<string, int> { ["o200k_base"] = 3, ["cl100k_base"] = 3 });

        var loaded = await store.LoadAsync(conversation.Id);
        Assert.Equal([1L, 2L, 3L], loaded.Messages.Select(m => m.Sequence));
        Assert.Equal(["system", "user", "assistant"], loaded.Messages.Select(m => m.Message.Role.Value));
        Assert.Equal("What is AI?", loaded.Messages[1].Message.Text);
        Assert.Equal(4, loaded.Messages[1].TokenCounts["o200k_base"]);
        Assert.Equal(2, loaded.Messages[2].TokenCounts.Count);
        Assert.Empty(loaded.Messages[0].TokenCounts);

        var stored = Assert.Single(loaded.Turns);
        AssertSameTurn(turn, stored);
        Assert.False(stored.IsSummary);
        Assert.Equal(TurnStatus.Complete, stored.Status);
        Assert.Equal(2, stored.UserSequence);
        Assert.Equal(3, stored.AssistantSequence);
        Assert.Equal(20, stored.Usage.InputTokenCount);
        Assert.Equal(30, stored.Usage.OutputTokenCount);
        Assert.Equal(50, stored.Usage.TotalTokenCount);
        Assert.Equal(10, stored.Usage.CachedInputTokenCount);
        Assert.Equal(15, stored.Usage.ReasoningTokenCount);
        Assert.Equal(0.0012m, stored.CostUsd);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), stored.Latency);
        Assert.Equal(TimeSpan.FromMilliseconds(210), stored.TimeToFirstToken);
        Assert.Equal(ChatFinishReason.Stop, stored.FinishReason);
        Assert.Equal("What is AI?", loaded.Conversation.Title);
    }

    [SkippableFact]
    public async Task BeginTurn_BeforeCompletion_QuestionIsSavedWithPendingTurn()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());

        var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Still thinking?"));

        var loaded = await store.LoadAsync(conversation.Id);
        Assert.Equal("Still thinking?", Assert.Single(loaded.Messages).Message.Text);
        var turn = Assert.Single(loaded.Turns);
        Assert.Equal(pending.Id, turn.Id);
        Assert.Equal(TurnStatus.Pending, turn.Status);
        Assert.Null(turn.AssistantSequence);
    }

    [SkippableFact]
    public async Task CompleteTurn_FailedWithoutAnswer_RecordsErrorAndNoAssistantMessage()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Hello"));

        var turn = await store.CompleteTurnAsync(pending, null, new TurnOutcome { Status = TurnStatus.Failed, Error = "429 Too Many Requests" });

        Assert.Equal(TurnStatus.Failed, turn.Status);
        Assert.Equal("429 Too Many Requests", turn.Error);
        Assert.Null(turn.AssistantSequence);
        Assert.Single((await store.LoadAsync(conversation.Id)).Messages);
    }

    [SkippableFact]
    public async Task CompleteTurn_Twice_ThrowsInvalidOperation()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Hello"));
        await store.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, "Hi"), new TurnOutcome());

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CompleteTurnAsync(pending, new ChatMessage(ChatRole.Assistant, "Hi again"), new TurnOutcome()));
        Assert.Equal(2, (await store.LoadAsync(conversation.Id)).Messages.Count);
    }

    [SkippableFact]
    public async Task CompleteTurn_PendingOutcome_ThrowsArgumentExceptionNamingOutcome()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Hello"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteTurnAsync(pending, null, new TurnOutcome { Status = TurnStatus.Pending }));
        Assert.Equal("outcome", error.ParamName);
    }

    [SkippableFact]
    public async Task LoadMessages_FromASequence_ThatMessageAndTheLaterOnesAsLoadGivesThem()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini" });
        await store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.System, "You are helpful.")]);
        await ChatAsync(store, conversation.Id, "one", "Echo: one", Outcome(1, 1, null));
        await ChatAsync(store, conversation.Id, "two", "Echo: two", Outcome(1, 1, null));

        var tail = await store.LoadMessagesAsync(conversation.Id, 3);
        var all = await store.LoadMessagesAsync(conversation.Id, 0);
        var past = await store.LoadMessagesAsync(conversation.Id, 6);

        var loaded = (await store.LoadAsync(conversation.Id)).Messages;
        Assert.Equal([3L, 4L, 5L], tail.Select(m => m.Sequence));
        Assert.Equal(["Echo: one", "two", "Echo: two"], tail.Select(m => m.Message.Text));
        Assert.Equal(loaded.Select(m => (m.Sequence, m.Message.Role, m.Message.Text, m.CreatedAt)), all.Select(m => (m.Sequence, m.Message.Role, m.Message.Text, m.CreatedAt)));
        Assert.Empty(past);
    }

    [SkippableFact]
    public async Task LoadMessages_AfterTruncateAndAppend_ReusedSequenceCarriesTheNewMessage()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini" });
        await ChatAsync(store, conversation.Id, "one", "Echo: one", Outcome(1, 1, null));
        var before = (await store.LoadMessagesAsync(conversation.Id, 2)).Single();

        await store.TruncateAsync(conversation.Id, 1);
        await store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.Assistant, "another answer")]);

        var after = (await store.LoadMessagesAsync(conversation.Id, 2)).Single();
        Assert.Equal(2, after.Sequence);
        Assert.Equal("another answer", after.Message.Text);
        Assert.True(after.CreatedAt >= before.CreatedAt);
    }

    [SkippableFact]
    public async Task LoadMessages_UnknownConversation_ThrowsConversationNotFound()
    {
        await using var store = await OpenAsync();
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.LoadMessagesAsync(new string('a', 32), 0));
    }

    [SkippableFact]
    public async Task PublicMethods_NullArguments_ThrowWithParameterName()
    {
        await using var store = await OpenAsync();
        Assert.Equal("conversation", (await Assert.ThrowsAsync<ArgumentNullException>(() => store.CreateConversationAsync(null!))).ParamName);
        Assert.Equal("userMessage", (await Assert.ThrowsAsync<ArgumentNullException>(() => store.BeginTurnAsync("x", null!))).ParamName);
        Assert.Equal("turn", (await Assert.ThrowsAsync<ArgumentNullException>(() => store.CompleteTurnAsync(null!, null, new TurnOutcome()))).ParamName);
        Assert.Equal("messages", (await Assert.ThrowsAsync<ArgumentNullException>(() => store.ImportAsync(new NewConversation(), null!))).ParamName);
        Assert.Equal("text", (await Assert.ThrowsAsync<ArgumentNullException>(() => store.SearchAsync(null!))).ParamName);
    }

    [SkippableFact]
    public async Task BeginTurn_UnknownConversation_ThrowsConversationNotFound()
    {
        await using var store = await OpenAsync();
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.BeginTurnAsync(new string('a', 32), new ChatMessage(ChatRole.User, "Hi")));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.LoadAsync(new string('a', 32)));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.UpdateConversationAsync(new string('a', 32), new ConversationUpdate { Model = "x" }));
    }

    [SkippableFact]
    public async Task Title_LongFirstUserMessage_ShortenedToAboutSixtyCharactersOnOneLine()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        await store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.System, "System prompt is not a title.")]);
        await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Can you explain,\nin simple words, how large language models predict the next token in a sentence?"));
        await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Second question"));

        var title = (await store.LoadAsync(conversation.Id)).Conversation.Title;
        Assert.NotNull(title);
        Assert.StartsWith("Can you explain, in simple words, how", title);
        Assert.EndsWith("…", title);
        Assert.InRange(title.Length, 30, 61);
        Assert.DoesNotContain('\n', title);
    }

    [SkippableFact]
    public async Task Title_GivenExplicitly_NotReplacedByFirstMessage()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { Title = "Trip planning" });
        await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Where should I go?"));

        Assert.Equal("Trip planning", (await store.LoadAsync(conversation.Id)).Conversation.Title);
    }

    [SkippableFact]
    public async Task UpdateConversation_SomeFields_ChangesOnlyThose()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini", SystemPrompt = "Be brief.", Provider = "openai" });

        var updated = await store.UpdateConversationAsync(conversation.Id, new ConversationUpdate { Summary = "They talked about AI.", SummaryThroughSequence = 4, Model = "gpt-4o" });

        Assert.Equal("gpt-4o", updated.Model);
        Assert.Equal("Be brief.", updated.SystemPrompt);
        Assert.Equal("openai", updated.Provider);
        Assert.Equal("They talked about AI.", updated.Summary);
        Assert.Equal(4, updated.SummaryThroughSequence);
        Assert.Equal(updated, (await store.LoadAsync(conversation.Id)).Conversation);
    }

    [SkippableFact]
    public async Task ResolveId_UniquePrefixInAnyCase_ReturnsFullId()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());

        Assert.Equal(conversation.Id, await store.ResolveIdAsync(conversation.Id));
        Assert.Equal(conversation.Id, await store.ResolveIdAsync(conversation.Id[..6].ToUpperInvariant()));
        Assert.Equal(conversation.Id, await store.ResolveIdAsync(Guid.ParseExact(conversation.Id, "N").ToString("D")));
    }

    [SkippableFact]
    public async Task ResolveId_AmbiguousPrefix_ThrowsListingCandidatesWithTitles()
    {
        await using var store = await OpenAsync();
        var first = await store.CreateConversationAsync(new NewConversation { Title = "First" });
        var second = await store.CreateConversationAsync(new NewConversation { Title = "Second" });
        int common = 0;
        while (common < 32 && first.Id[common] == second.Id[common])
        {
            common++;
        }

        Assert.True(common >= 4, "UUID v7 ids made a moment apart share their timestamp prefix.");
        var error = await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.ResolveIdAsync(first.Id[..4]));

        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), error.Candidates.Select(c => c.Id));
        Assert.Contains(first.Id, error.Message);
        Assert.Contains("Second", error.Message);
    }

    [SkippableFact]
    public async Task ResolveId_UnknownPrefix_ThrowsConversationNotFound()
    {
        await using var store = await OpenAsync();
        await store.CreateConversationAsync(new NewConversation());

        var error = await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.ResolveIdAsync("ffffffff"));
        Assert.Empty(error.Candidates);
    }

    [SkippableTheory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("xyz1234")]
    public async Task ResolveId_TooShortOrNotHex_ThrowsArgumentExceptionWithClearMessage(string prefix)
    {
        await using var store = await OpenAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.ResolveIdAsync(prefix));
        Assert.Equal("idOrPrefix", error.ParamName);
        Assert.Contains(prefix.Length < 4 ? "at least 4" : "hexadecimal", error.Message);
    }

    [SkippableFact]
    public async Task List_ChatAndSummaryTurns_AggregatesTurnsTokensAndCost()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini" });
        await ChatAsync(store, conversation.Id, "One", "1", Outcome(100, 20, 0.001m));
        await ChatAsync(store, conversation.Id, "Two", "2", Outcome(200, 40, 0.002m));
        await store.RecordSummaryCallAsync(conversation.Id, Outcome(300, 50, 0.0005m, "gpt-4o-nano"));

        var item = Assert.Single(await store.ListAsync());

        Assert.Equal(conversation.Id, item.Id);
        Assert.Equal("One", item.Title);
        Assert.Equal("gpt-4o-mini", item.Model);
        Assert.Equal(2, item.TurnCount);
        Assert.Equal(4, item.MessageCount);
        Assert.Equal(120 + 240 + 350, item.TotalTokens);
        Assert.Equal(0.0035m, item.TotalCostUsd);
    }

    [SkippableFact]
    public async Task List_NoCostKnown_TotalCostIsNull()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        await ChatAsync(store, conversation.Id, "One", "1", Outcome(10, 5, null));

        var item = Assert.Single(await store.ListAsync());
        Assert.Null(item.TotalCostUsd);
        Assert.Equal(15, item.TotalTokens);
    }

    [SkippableFact]
    public async Task List_WithLimit_NewestUpdatedFirst()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var store = await OpenAsync(new ConversationStoreOptions { TimeProvider = clock });
        var a = await store.CreateConversationAsync(new NewConversation { Title = "a" });
        clock.Advance(TimeSpan.FromMinutes(1));
        var b = await store.CreateConversationAsync(new NewConversation { Title = "b" });
        clock.Advance(TimeSpan.FromMinutes(1));
        var c = await store.CreateConversationAsync(new NewConversation { Title = "c" });
        clock.Advance(TimeSpan.FromMinutes(1));
        await store.BeginTurnAsync(a.Id, new ChatMessage(ChatRole.User, "bump a"));

        Assert.Equal([a.Id, c.Id, b.Id], (await store.ListAsync()).Select(i => i.Id));
        Assert.Equal([a.Id, c.Id], (await store.ListAsync(2)).Select(i => i.Id));
        Assert.Equal(a.Id, (await store.FindLatestAsync())?.Id);
    }

    [SkippableFact]
    public async Task FindLatest_Empty_ReturnsNull()
    {
        await using var store = await OpenAsync();
        Assert.Null(await store.FindLatestAsync());
        Assert.Empty(await store.ListAsync());
    }

    [SkippableFact]
    public async Task Search_ChineseWordInsideSentence_FindsConversation()
    {
        await using var store = await OpenAsync();
        var chinese = await store.CreateConversationAsync(new NewConversation());
        var other = await store.CreateConversationAsync(new NewConversation());
        await ChatAsync(store, chinese.Id, "请介绍一下", "我们今天讨论人工智能的未来发展和挑战。", Outcome(1, 1, null));
        await ChatAsync(store, other.Id, "What is AI?", "Artificial intelligence.", Outcome(1, 1, null));

        var hit = Assert.Single(await store.SearchAsync("人工智能"));

        Assert.Equal(chinese.Id, hit.ConversationId);
        Assert.Equal("请介绍一下", hit.Title);
        Assert.Equal("assistant", hit.Role);
        Assert.Equal(2, hit.Sequence);
        Assert.Contains("人工智能", hit.Snippet);
    }

    [SkippableFact]
    public async Task Search_ShortQuery_FallsBackToSubstringScan()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        await ChatAsync(store, conversation.Id, "Tell me about AI", "人工智能很有趣。", Outcome(1, 1, null));

        Assert.Equal(conversation.Id, Assert.Single(await store.SearchAsync("ai")).ConversationId);
        Assert.Equal("人工智能很有趣。", Assert.Single(await store.SearchAsync("智能")).Snippet);
        Assert.Empty(await store.SearchAsync("zq"));
        Assert.Empty(await store.SearchAsync("%"));
    }

    [SkippableFact]
    public async Task Search_CaseAndTerms_MatchesMessagesContainingEveryTerm()
    {
        await using var store = await OpenAsync();
        var both = await store.CreateConversationAsync(new NewConversation());
        var one = await store.CreateConversationAsync(new NewConversation());
        await store.AppendMessagesAsync(both.Id, [new ChatMessage(ChatRole.User, "Neural NETWORKS learn weights by gradient descent.")]);
        await store.AppendMessagesAsync(one.Id, [new ChatMessage(ChatRole.User, "Social networks are busy today.")]);

        Assert.Equal([both.Id], (await store.SearchAsync("networks GRADIENT")).Select(h => h.ConversationId));
        Assert.Equal(2, (await store.SearchAsync("Networks")).Count);
        Assert.Empty(await store.SearchAsync("transformer"));
        Assert.Empty(await store.SearchAsync("   "));
        Assert.Equal([both.Id], (await store.SearchAsync("by networks")).Select(h => h.ConversationId));
    }

    [SkippableFact]
    public async Task Search_ManyMatchesInOneConversation_OneHitWithNewestMessage()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        await ChatAsync(store, conversation.Id, "python question", "python answer", Outcome(1, 1, null));
        await ChatAsync(store, conversation.Id, "more python", "even more python", Outcome(1, 1, null));

        var hit = Assert.Single(await store.SearchAsync("python"));
        Assert.Equal(4, hit.Sequence);
        Assert.Equal("even more python", hit.Snippet);
    }

    [SkippableFact]
    public async Task Search_Limit_ReturnsNewestConversationsFirst()
    {
        await using var store = await OpenAsync();
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            var conversation = await store.CreateConversationAsync(new NewConversation());
            await store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.User, $"topic number {i}")]);
            ids.Add(conversation.Id);
        }

        Assert.Equal([ids[4], ids[3]], (await store.SearchAsync("topic", limit: 2)).Select(h => h.ConversationId));
    }

    [SkippableFact]
    public async Task Search_LongMessage_SnippetIsOneLineAroundTheMatch()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        string text = string.Concat(Enumerable.Repeat("lorem ipsum dolor\n", 30)) + "the needle is here " + string.Concat(Enumerable.Repeat("sit amet ", 30));
        await store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.User, text)]);

        var hit = Assert.Single(await store.SearchAsync("needle"));
        Assert.Contains("the needle is here", hit.Snippet);
        Assert.StartsWith("…", hit.Snippet);
        Assert.EndsWith("…", hit.Snippet);
        Assert.DoesNotContain('\n', hit.Snippet);
        Assert.InRange(hit.Snippet.Length, 20, 110);
    }

    [SkippableFact]
    public async Task Delete_Conversation_RemovesMessagesTurnsAndSearchHits()
    {
        await using var store = await OpenAsync();
        var doomed = await store.CreateConversationAsync(new NewConversation());
        var kept = await store.CreateConversationAsync(new NewConversation());
        await ChatAsync(store, doomed.Id, "secret banana recipe", "ok", Outcome(5, 5, 0.01m));
        await store.RecordSummaryCallAsync(doomed.Id, Outcome(5, 5, 0.01m));
        await ChatAsync(store, kept.Id, "banana bread", "ok", Outcome(5, 5, 0.01m));

        await store.DeleteAsync(doomed.Id);

        await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.LoadAsync(doomed.Id));
        Assert.Equal([kept.Id], (await store.SearchAsync("banana")).Select(h => h.ConversationId));
        Assert.Empty(await store.SearchAsync("secret"));
        Assert.Equal([kept.Id], (await store.ListAsync()).Select(i => i.Id));
        var report = await store.GetUsageReportAsync();
        Assert.Equal(1, report.Total.ChatTurns);
        Assert.Equal(0, report.Total.SummaryCalls);
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.DeleteAsync(doomed.Id));
    }

    [SkippableFact]
    public async Task Import_Messages_CreatesConversationTitledByFirstUserMessage()
    {
        await using var store = await OpenAsync();
        var imported = await store.ImportAsync(
            new NewConversation { Model = "gpt-4o-mini" },
            [
                new ChatMessage(ChatRole.System, "You are a pirate."),
                new ChatMessage(ChatRole.User, "Hello there"),
                new ChatMessage(ChatRole.Assistant, "Ahoy!"),
            ]);

        var loaded = await store.LoadAsync(imported.Id);
        Assert.Equal("Hello there", imported.Title);
        Assert.Equal(["system", "user", "assistant"], loaded.Messages.Select(m => m.Message.Role.Value));
        Assert.Equal(["You are a pirate.", "Hello there", "Ahoy!"], loaded.Messages.Select(m => m.Message.Text));
        Assert.Empty(loaded.Turns);
    }

    [SkippableFact]
    public async Task RecordSummaryCall_Outcome_IsTurnOfKindSummaryWithItsOwnUsage()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());

        var turn = await store.RecordSummaryCallAsync(conversation.Id, Outcome(900, 100, 0.0001m, "gpt-4o-nano"));

        Assert.True(turn.IsSummary);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Equal("gpt-4o-nano", turn.Model);
        Assert.Null(turn.UserSequence);
        Assert.Equal(1000, turn.Usage.TotalTokenCount);
        AssertSameTurn(turn, Assert.Single((await store.LoadAsync(conversation.Id)).Turns));
    }

    [SkippableFact]
    public async Task UsageReport_TurnsOverTwoDays_GroupedByLocalDayModelAndConversation()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2025, 5, 1, 21, 30, 0, TimeSpan.Zero)); // 23:30 on May 1st at +02
        await using var store = await OpenAsync(new ConversationStoreOptions { TimeProvider = clock, TimeZone = PlusTwo });
        var first = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini" });
        var second = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o" });
        await ChatAsync(store, first.Id, "Day one", "a", Outcome(100, 10, 0.01m));
        clock.Set(new DateTimeOffset(2025, 5, 1, 22, 30, 0, TimeSpan.Zero)); // 00:30 on May 2nd at +02
        await ChatAsync(store, first.Id, "Day two", "b", Outcome(200, 20, 0.02m));
        await store.RecordSummaryCallAsync(first.Id, Outcome(50, 5, 0.001m, "gpt-4o-nano"));
        await ChatAsync(store, second.Id, "Other", "c", Outcome(1000, 100, null, "gpt-4o"));

        var report = await store.GetUsageReportAsync();

        Assert.Equal(["2025-05-01", "2025-05-02"], report.ByDay.Select(r => r.Key));
        Assert.Equal(110, report.ByDay[0].TotalTokenCount);
        Assert.Equal(220 + 55 + 1100, report.ByDay[1].TotalTokenCount);
        Assert.Equal(0.021m, report.ByDay[1].CostUsd);
        Assert.Equal(1, report.ByDay[1].UnpricedTurns);
        Assert.Equal(1, report.ByDay[1].SummaryCalls);
        Assert.Equal(2, report.ByDay[1].ChatTurns);

        Assert.Equal(["gpt-4o-mini", "gpt-4o-nano", "gpt-4o"], report.ByModel.Select(r => r.Key));
        Assert.Equal(0.03m, report.ByModel[0].CostUsd);
        Assert.Equal(300, report.ByModel[0].InputTokenCount);
        Assert.Equal(30, report.ByModel[0].OutputTokenCount);

        Assert.Equal([first.Id, second.Id], report.ByConversation.Select(r => r.Key));
        Assert.Equal("Day one", report.ByConversation[0].Label);
        Assert.Equal(0.031m, report.ByConversation[0].CostUsd);
        Assert.Equal(2, report.ByConversation[0].ChatTurns);
        Assert.Equal(1, report.ByConversation[0].SummaryCalls);

        Assert.Equal(0.031m, report.Total.CostUsd);
        Assert.Equal(110 + 220 + 55 + 1100, report.Total.TotalTokenCount);
        Assert.Equal(4, report.Total.ChatTurns + report.Total.SummaryCalls);
    }

    [SkippableFact]
    public async Task UsageReport_Totals_EqualConversationUsageOfTheSameCalls()
    {
        // The report sums with the same type a session sums with: the same calls give the same totals.
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        TurnOutcome[] calls =
        [
            Outcome(1000, 200, 0.01m), // priced, with cached and reasoning tokens
            Outcome(300, 40, null, "unknown-model"), // price unknown
            new() { Model = "gpt-4o-mini", Usage = new UsageDetails { InputTokenCount = 500, OutputTokenCount = 100, TotalTokenCount = 650 }, CostUsd = 0.002m }, // the server's total counts more
            new() { Model = "unknown-model", Usage = new UsageDetails { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0 } }, // no tokens: costs nothing, price or not
            new() { Model = "gpt-4o-mini", Status = TurnStatus.Failed, Error = "boom" }, // no usage
        ];
        var expected = new ConversationUsage();
        for (var i = 0; i < calls.Length; i++)
        {
            await ChatAsync(store, conversation.Id, $"question {i}", "answer", calls[i]);
            expected.Add(calls[i].Usage, calls[i].CostUsd);
        }

        var summary = Outcome(50, 5, null, "gpt-4o-nano");
        await store.RecordSummaryCallAsync(conversation.Id, summary);
        expected.Add(summary.Usage, summary.CostUsd);

        var total = (await store.GetUsageReportAsync()).Total;
        Assert.Equal(
            (expected.InputTokens, expected.OutputTokens, expected.CachedInputTokens, expected.ReasoningTokens, expected.TotalTokens, expected.CostUsd, expected.HasUnknownCost),
            (total.InputTokenCount, total.OutputTokenCount, total.CachedInputTokenCount, total.ReasoningTokenCount, total.TotalTokenCount, total.CostUsd, total.UnpricedTurns > 0));
        Assert.Equal(expected.Calls, total.ChatTurns + total.SummaryCalls + total.UnfinishedTurns);
        Assert.Equal(2, expected.UnpricedCalls); // the unknown model's call with tokens and the summary call
        Assert.Equal(expected.UnpricedCalls, total.UnpricedTurns);
    }

    [SkippableFact]
    public async Task UsageReport_FailedInterruptedAndPendingTurns_AreUnfinishedNotTurnsButTheirTokensCount()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini" });
        await ChatAsync(store, conversation.Id, "Answered", "a", Outcome(100, 10, 0.01m));
        var failed = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Failed"));
        await store.CompleteTurnAsync(failed, null, new TurnOutcome { Status = TurnStatus.Failed, Model = "gpt-4o-mni", Error = "model not found" });
        var interrupted = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Interrupted"));
        await store.CompleteTurnAsync(interrupted, new ChatMessage(ChatRole.Assistant, "par"), new TurnOutcome
        {
            Status = TurnStatus.Interrupted,
            Model = "gpt-4o-mini",
            Usage = new UsageDetails { InputTokenCount = 50, OutputTokenCount = 2, TotalTokenCount = 52 },
            CostUsd = 0.001m,
        });
        await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Still pending"));

        var report = await store.GetUsageReportAsync();

        Assert.Equal((1, 0, 3), (report.Total.ChatTurns, report.Total.SummaryCalls, report.Total.UnfinishedTurns));
        Assert.Equal(110 + 52, report.Total.TotalTokenCount);
        Assert.Equal(0.011m, report.Total.CostUsd);
        var mistyped = Assert.Single(report.ByModel, r => r.Key == "gpt-4o-mni");
        Assert.Equal((0, 1), (mistyped.ChatTurns, mistyped.UnfinishedTurns));
    }

    [SkippableFact]
    public async Task UsageReport_Since_LeavesOutEarlierLocalDays()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2025, 5, 1, 21, 30, 0, TimeSpan.Zero));
        await using var store = await OpenAsync(new ConversationStoreOptions { TimeProvider = clock, TimeZone = PlusTwo });
        var conversation = await store.CreateConversationAsync(new NewConversation());
        await ChatAsync(store, conversation.Id, "Day one", "a", Outcome(100, 10, 0.01m));
        clock.Set(new DateTimeOffset(2025, 5, 1, 22, 30, 0, TimeSpan.Zero));
        await ChatAsync(store, conversation.Id, "Day two", "b", Outcome(200, 20, 0.02m));

        var report = await store.GetUsageReportAsync(new DateOnly(2025, 5, 2));

        Assert.Equal(new DateOnly(2025, 5, 2), report.Since);
        Assert.Equal(["2025-05-02"], report.ByDay.Select(r => r.Key));
        Assert.Equal(220, report.Total.TotalTokenCount);
        Assert.Empty((await store.GetUsageReportAsync(new DateOnly(2025, 5, 3))).ByModel);
    }

    [SkippableFact]
    public async Task FindClientConversation_ByKeyAndClientId_OnlyTheKeysOwnAndNothingCreated()
    {
        await using var store = await OpenAsync();
        var alice = await store.CreateConversationAsync(new NewConversation { KeyName = "alice", ClientId = "chat-1" });
        var anonymous = await store.CreateConversationAsync(new NewConversation { ClientId = "chat-1" });

        Assert.Equal(alice.Id, await store.FindClientConversationAsync("alice", "chat-1"));
        Assert.Equal(anonymous.Id, await store.FindClientConversationAsync(null, "chat-1"));
        Assert.Null(await store.FindClientConversationAsync("bob", "chat-1"));
        Assert.Null(await store.FindClientConversationAsync("alice", "chat-2"));
        Assert.Equal(2, (await store.ListAsync()).Count);
    }

    [SkippableFact]
    public async Task ListClientConversations_TwoKeysAndSearch_OnlyTheKeysNamedOnesNewestFirst()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var store = await OpenAsync(new ConversationStoreOptions { TimeProvider = clock });
        var first = await store.CreateConversationAsync(new NewConversation { KeyName = "alice", ClientId = "chat-1", Model = "gpt-4o-mini" });
        var second = await store.CreateConversationAsync(new NewConversation { KeyName = "alice", ClientId = "chat-2" });
        var bobs = await store.CreateConversationAsync(new NewConversation { KeyName = "bob", ClientId = "chat-3" });
        var unnamed = await store.CreateConversationAsync(new NewConversation { KeyName = "alice" });
        foreach (var (id, question, cost) in new[] { (second.Id, "the blue whale", 0.001m), (bobs.Id, "the blue whale", 0.001m), (unnamed.Id, "the blue whale", 0.001m), (first.Id, "a red fox", 0.002m) })
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await ChatAsync(store, id, question, "an answer", Outcome(10, 5, cost));
        }

        var all = await store.ListClientConversationsAsync("alice", null, 10);
        var whales = await store.ListClientConversationsAsync("alice", "BLUE whale", 10);
        var one = await store.ListClientConversationsAsync("alice", "  ", 1);

        Assert.Equal(["chat-1", "chat-2"], all.Select(c => c.ClientId));
        Assert.Equal([first.Id, second.Id], all.Select(c => c.Id));
        Assert.Equal(("a red fox", 2, 0.002m), (all[0].Title, all[0].MessageCount, all[0].TotalCostUsd));
        Assert.Equal(["chat-2"], whales.Select(c => c.ClientId));
        Assert.Equal(["chat-1"], one.Select(c => c.ClientId));
        Assert.Equal(["chat-3"], (await store.ListClientConversationsAsync("bob", "whale", 10)).Select(c => c.ClientId));
        Assert.Empty(await store.ListClientConversationsAsync(null, null, 10));
        Assert.Equal("chat-1", (await store.ListAsync()).Single(c => c.Id == first.Id).ClientId);
    }

    [SkippableFact]
    public async Task Truncate_KeepTwoOfFour_LaterMessagesGoneTheirTurnsKeptDetachedAndNextMessageFollows()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation { KeyName = "alice", ClientId = "chat-1" });
        var kept = await ChatAsync(store, conversation.Id, "first question", "first answer", Outcome(10, 5, 0.001m));
        var removed = await ChatAsync(store, conversation.Id, "second zebra question", "second answer", Outcome(20, 6, 0.002m));

        var count = await store.TruncateAsync(conversation.Id, 2);
        var again = await ChatAsync(store, conversation.Id, "second question again", "another answer", Outcome(20, 7, 0.003m));
        var loaded = await store.LoadAsync(conversation.Id);

        Assert.Equal(2, count);
        Assert.Equal(["first question", "first answer", "second question again", "another answer"], loaded.Messages.Select(m => m.Message.Text));
        Assert.Equal([1L, 2, 3, 4], loaded.Messages.Select(m => m.Sequence));
        Assert.Equal([kept.Id, removed.Id, again.Id], loaded.Turns.Select(t => t.Id));
        Assert.Equal((1L, 2L), (loaded.Turns[0].UserSequence!.Value, loaded.Turns[0].AssistantSequence!.Value));
        Assert.Equal(((long?)null, (long?)null, 0.002m), (loaded.Turns[1].UserSequence, loaded.Turns[1].AssistantSequence, loaded.Turns[1].CostUsd));
        Assert.Equal((3L, 4L), (again.UserSequence!.Value, again.AssistantSequence!.Value));
        Assert.Equal(0.006m, (await store.ListAsync()).Single().TotalCostUsd);
        Assert.Empty(await store.SearchAsync("zebra"));
    }

    [SkippableFact]
    public async Task Truncate_KeepAllOrMoreOrZero_NothingOrEverythingRemovedAndSummaryOverRemovedCleared()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        await ChatAsync(store, conversation.Id, "q", "a", Outcome(1, 1, null));
        await store.UpdateConversationAsync(conversation.Id, new ConversationUpdate { Summary = "they said q", SummaryThroughSequence = 2 });

        Assert.Equal(0, await store.TruncateAsync(conversation.Id, 2));
        Assert.Equal(0, await store.TruncateAsync(conversation.Id, 5));
        Assert.Equal("they said q", (await store.LoadAsync(conversation.Id)).Conversation.Summary);
        Assert.Equal(2, await store.TruncateAsync(conversation.Id, 0));
        var loaded = await store.LoadAsync(conversation.Id);
        Assert.Empty(loaded.Messages);
        Assert.Null(loaded.Conversation.Summary);
        Assert.Null(loaded.Conversation.SummaryThroughSequence);
        Assert.Single(loaded.Turns);
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => store.TruncateAsync(new string('a', 32), 0));
        Assert.Equal("keepMessages", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.TruncateAsync(conversation.Id, -1))).ParamName);
        Assert.Equal("limit", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListClientConversationsAsync(null, null, 0))).ParamName);
        Assert.Equal("clientId", (await Assert.ThrowsAsync<ArgumentNullException>(() => store.FindClientConversationAsync(null, null!))).ParamName);
    }

    [SkippableFact]
    public async Task Operations_CancelledToken_ThrowOperationCanceled()
    {
        await using var store = await OpenAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.CreateConversationAsync(new NewConversation(), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListAsync(null, cancelled.Token));
    }

    [SkippableFact]
    public async Task Sessions_HundredConcurrentOnOneStore_EveryTurnInItsConversationInOrder()
    {
        const int Sessions = 100, Turns = 3;
        await using var store = await OpenAsync();
        var client = new FakeChatClient
        {
            OnResponse = async (_, messages, _) =>
            {
                await Task.Yield();
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, "re: " + messages.Last().Text)) { FinishReason = ChatFinishReason.Stop };
            },
            OnStream = (_, messages, token) => FakeChatClient.Updates(token, "re: ", messages.Last().Text),
        };

        var ids = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(n => Task.Run(async () =>
        {
            var session = new ChatSession(client, new ChatSessionOptions { Model = "fake-model", SystemPrompt = $"session {n}", Store = store });
            for (int turn = 0; turn < Turns; turn++)
            {
                string question = $"session {n} question {turn}";
                if ((n + turn) % 2 == 0)
                {
                    await session.SendAsync(question);
                }
                else
                {
                    await foreach (var _ in session.StreamAsync(question))
                    {
                    }
                }
            }

            return session.ConversationId!;
        })));

        Assert.Equal(Sessions, ids.Distinct().Count());
        for (int n = 0; n < Sessions; n++)
        {
            var saved = await store.LoadAsync(ids[n]);
            Assert.Equal($"session {n}", saved.Conversation.SystemPrompt);
            var expected = Enumerable.Range(0, Turns).SelectMany(t => new[] { $"session {n} question {t}", $"re: session {n} question {t}" });
            Assert.Equal(expected, saved.Messages.Where(m => m.Message.Role != ChatRole.System).Select(m => m.Message.Text));
            Assert.Equal(Enumerable.Range(1, saved.Messages.Count).Select(i => (long)i), saved.Messages.Select(m => m.Sequence));
            Assert.Equal(Turns, saved.Turns.Count);
            Assert.All(saved.Turns, t => Assert.Equal(TurnStatus.Complete, t.Status));
            Assert.All(saved.Turns, t => Assert.Equal(t.UserSequence + 1, t.AssistantSequence));
        }

        Assert.Equal(Sessions * Turns, (await store.ListAsync()).Sum(c => c.TurnCount));
    }

    [SkippableFact]
    public async Task AppendMessages_ConcurrentOnOneConversation_SequencesUniqueAndEveryMessageKept()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());

        await Task.WhenAll(Enumerable.Range(0, 50).Select(n => Task.Run(() =>
            store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.User, $"a{n}"), new ChatMessage(ChatRole.Assistant, $"b{n}")]))));

        var messages = (await store.LoadAsync(conversation.Id)).Messages;
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), messages.Select(m => m.Sequence));
        for (int i = 0; i < messages.Count; i += 2)
        {
            Assert.Equal("b" + messages[i].Message.Text[1..], messages[i + 1].Message.Text); // one append's messages stay together
        }
    }

    [SkippableFact]
    public async Task HistoryQueries_WhileTurnsAreWritten_SeeOnlyWholeTurns()
    {
        await using var store = await OpenAsync();
        var conversations = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.CreateConversationAsync(new NewConversation())));

        var writers = conversations.Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                await ChatAsync(store, c.Id, $"needle question {i}", $"answer {i}", Outcome(1, 1, 0.001m));
            }
        })).ToArray();
        var reader = Task.Run(async () =>
        {
            while (!writers.All(w => w.IsCompleted))
            {
                foreach (var c in conversations)
                {
                    var snapshot = await store.LoadAsync(c.Id);
                    var sequences = snapshot.Messages.Select(m => m.Sequence).ToHashSet();
                    Assert.All(snapshot.Turns, t => Assert.Contains(t.UserSequence!.Value, sequences));
                    Assert.All(snapshot.Turns.Where(t => t.Status == TurnStatus.Complete), t => Assert.Contains(t.AssistantSequence!.Value, sequences));
                }

                await store.SearchAsync("needle");
                await store.GetUsageReportAsync();
            }
        });
        await Task.WhenAll(writers);
        await reader;

        Assert.All(await store.ListAsync(), item => Assert.Equal((10, 20), (item.TurnCount, item.MessageCount)));
        Assert.Equal(10, (await store.SearchAsync("needle")).Count);
    }

    /// <summary>The largest attachment kept inline (documented in docs/storage.md): 256 KiB.</summary>
    private const int InlineLimit = 256 * 1024;

    private static readonly byte[] Pixel = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    /// <summary>A tool round as Microsoft.Extensions.AI's FunctionInvokingChatClient returns it: call, result, answer.</summary>
    private static List<ChatMessage> ToolRound() =>
    [
        new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 2 })]),
        new(ChatRole.Tool, [new FunctionResultContent("call_1", JsonDocument.Parse("""{"temp":21,"sky":"clear"}""").RootElement)]),
        new(ChatRole.Assistant, "It is 21 °C and clear in Paris."),
    ];

    [SkippableFact]
    public async Task AppendMessages_EveryContentType_LoadsTheSameContentsInOrder()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        List<ChatMessage> messages =
        [
            new(ChatRole.User, [new TextContent("What is in this picture?"), new DataContent(Pixel, "image/png") { Name = "cat.png" }, new UriContent("https://example.com/dog.jpg", "image/jpeg"), new TextContent("and this one")]),
            new(ChatRole.Assistant, [new TextContent("Let me look."), new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }), new FunctionCallContent("call_2", "now", null)]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny"), new FunctionResultContent("call_2", null) { Exception = new TimeoutException("the clock did not answer") }]),
            new(ChatRole.Tool, [new FunctionResultContent("call_3", JsonDocument.Parse("""[1,{"a":null}]""").RootElement)]),
            new(ChatRole.Tool, [new FunctionResultContent("call_4", new List<AIContent> { new TextContent("a chart"), new DataContent(Pixel, "image/png") })]),
            new(ChatRole.Assistant, [new TextReasoningContent("thinking it over"), new TextContent("Done.")]),
        ];

        await store.AppendMessagesAsync(conversation.Id, messages);
        var loaded = await store.LoadAsync(conversation.Id);

        Assert.Equal(messages.Select(m => m.Role), loaded.Messages.Select(m => m.Message.Role));
        Assert.Equal(messages.Select(m => m.Text), loaded.Messages.Select(m => m.Message.Text));
        Assert.Equal(messages.Take(5).Select(ContentShapes.Of), loaded.Messages.Take(5).Select(m => ContentShapes.Of(m.Message)));
        Assert.Equal(["text Done."], ContentShapes.Of(loaded.Messages[5].Message)); // reasoning is never saved
        Assert.Equal("What is in this picture?and this one", loaded.Messages[0].Message.Text);
        Assert.Equal(conversation.Id, Assert.Single(await store.SearchAsync("this picture")).ConversationId);
    }

    [SkippableFact]
    public async Task AppendMessages_ToolRound_ReturnsStoredCopiesWithTheirContents()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        var round = ToolRound();

        var stored = await store.AppendMessagesAsync(conversation.Id, round);

        Assert.Equal(round.Select(ContentShapes.Of), stored.Select(m => ContentShapes.Of(m.Message)));
        Assert.All(stored, m => Assert.DoesNotContain(m.Message, round));
    }

    [SkippableFact]
    public async Task CompleteTurnWithMessages_ToolRound_SavesEveryMessageAndTheTurnPointsAtTheLast()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "Weather in Paris?"));
        var round = ToolRound();

        var turn = await store.CompleteTurnWithMessagesAsync(pending, round, Outcome(30, 12, 0.001m));
        var loaded = await store.LoadAsync(conversation.Id);

        Assert.Equal((1L, 4L), (turn.UserSequence, turn.AssistantSequence));
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Equal([1L, 2L, 3L, 4L], loaded.Messages.Select(m => m.Sequence));
        Assert.Equal(["user", "assistant", "tool", "assistant"], loaded.Messages.Select(m => m.Message.Role.Value));
        Assert.Equal(round.Select(ContentShapes.Of), loaded.Messages.Skip(1).Select(m => ContentShapes.Of(m.Message)));
        Assert.Equal(4L, Assert.Single(loaded.Turns).AssistantSequence);
        Assert.Equal((1, 4), (Assert.Single(await store.ListAsync()).TurnCount, Assert.Single(await store.ListAsync()).MessageCount));
    }

    [SkippableFact]
    public async Task CompleteTurnWithMessages_NoMessages_CompletesWithoutAnswer()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        var pending = await store.BeginTurnAsync(conversation.Id, new ChatMessage(ChatRole.User, "question"));

        var turn = await store.CompleteTurnWithMessagesAsync(pending, [], new TurnOutcome { Status = TurnStatus.Failed, Error = "boom" });

        Assert.Null(turn.AssistantSequence);
        Assert.Single((await store.LoadAsync(conversation.Id)).Messages);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CompleteTurnWithMessagesAsync(pending, ToolRound(), Outcome(1, 1, null)));
    }

    [SkippableFact]
    public async Task AppendMessages_AttachmentOverTheInlineLimit_KeptAsAReferenceReloadedFromItsFile()
    {
        await using var store = await OpenAsync();
        var conversation = await store.CreateConversationAsync(new NewConversation());
        var path = Path.Combine(Path.GetTempPath(), $"parley-big-{Guid.NewGuid():N}.bin");
        var bytes = new byte[InlineLimit + 1];
        new Random(8).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            var big = new DataContent(bytes, "application/pdf") { Name = "report.pdf" };
            big.AdditionalProperties = new AdditionalPropertiesDictionary { ["path"] = path };
            var small = new DataContent(bytes.AsMemory(0, InlineLimit), "image/png") { Name = "exactly-the-limit.png" };
            await store.AppendMessagesAsync(conversation.Id, [new ChatMessage(ChatRole.User, [new TextContent("read these"), big, small])]);

            var reloaded = (await store.LoadAsync(conversation.Id)).Messages[0].Message;
            Assert.Equal([ContentShapes.Of(new TextContent("read these")), ContentShapes.Of(big), ContentShapes.Of(small)], ContentShapes.Of(reloaded));

            await File.WriteAllBytesAsync(path, bytes.AsMemory(1).ToArray()); // changed after it was sent
            var changed = (await store.LoadAsync(conversation.Id)).Messages[0].Message;
            var standIn = Assert.IsType<TextContent>(changed.Contents[1]);
            Assert.Contains("not kept: report.pdf, application/pdf, 262145 bytes, sha256 " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), standIn.Text);
            Assert.IsType<DataContent>(changed.Contents[2]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
