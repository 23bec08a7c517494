using Microsoft.Extensions.AI;

namespace Parley.Cli.Tests;

/// <summary>
/// The CLI starts loading a tokenizer in the background exactly when the first request will be counted (its byte
/// bound is over what the policy and the preflight accept), and never for a request its size settles.
/// </summary>
public class TokenizerWarmupTests
{
    // ~121,500 bytes, ~27k tokens: more bytes than gpt-4o-mini's prompt budget (128,000 − 16,384 = 111,616).
    private static readonly string LargePrompt = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 2700));

    private readonly List<string?> _preloaded = [];

    [Fact]
    public void OneShot_LargePrompt_StartsTheModelsVocabulary()
    {
        var warmup = Warmup();

        Assert.True(Start(warmup, "gpt-4o-mini", [User(LargePrompt)]));

        Assert.Equal(["o200k_base"], _preloaded);
        Assert.NotNull(warmup.Started);
    }

    [Theory]
    [InlineData("budget")]
    [InlineData("keep-all")]
    [InlineData("summarize")]
    [InlineData("last:4")]
    public void OneShot_ShortPrompt_LoadsNothing(string policy)
    {
        var warmup = Warmup();

        Assert.False(Start(warmup, "gpt-4o-mini", [System("Be brief."), User("What is the capital of France?")], policy));

        Assert.Empty(_preloaded);
        Assert.Null(warmup.Started);
    }

    [Fact]
    public void Cl100kModel_PromptOverItsSmallWindow_StartsCl100k()
    {
        Assert.True(Start(Warmup(), "gpt-4", [User(Bytes(40_000))]));

        Assert.Equal(["cl100k_base"], _preloaded);
    }

    [Fact]
    public void UnknownModel_NothingIsCountedBeforeTheRequest_LoadsNothing()
    {
        Assert.False(Start(Warmup(), "my-unlisted-model", [User(LargePrompt)]));

        Assert.Empty(_preloaded);
    }

    [Fact]
    public void UnknownModelWithALearnedLimit_IsCountedLikeTheSession_Starts()
    {
        Assert.True(Start(Warmup(), "my-unlisted-model", [User(Bytes(40_000))], learned: new() { ["my-unlisted-model"] = 8_000 }));

        Assert.Single(_preloaded);
    }

    [Fact]
    public void LearnedLimitSmallerThanTheCatalog_CountsAgainstTheLearnedLimit()
    {
        List<ChatMessage> prompt = [User(Bytes(40_000))];

        Assert.False(Start(Warmup(), "gpt-4o-mini", prompt));
        Assert.True(Start(Warmup(), "gpt-4o-mini", prompt, learned: new() { ["gpt-4o-mini"] = 50_000 }));
    }

    [Fact]
    public void LongHistory_BudgetCountsIt_LastNSendsOnlyTheTail()
    {
        var history = new List<ChatMessage> { System("You are a helpful assistant.") };
        for (var i = 0; i < 100; i++)
        {
            history.Add(User($"question {i} " + Bytes(1_000)));
            history.Add(new ChatMessage(ChatRole.Assistant, $"answer {i} " + Bytes(1_000)));
        }

        history.Add(User("and now?"));

        Assert.True(Start(Warmup(), "gpt-4o-mini", history, "budget"));
        Assert.True(Start(Warmup(), "gpt-4o-mini", history, "keep-all"));
        Assert.False(Start(Warmup(), "gpt-4o-mini", history, "last:4"));
    }

    [Fact]
    public void Summarize_PromptBetweenItsThresholdAndTheBudget_Starts()
    {
        // 100,000 bytes: under the 111,616-token budget, over summarize's default threshold (75% of 128,000 = 96,000).
        List<ChatMessage> prompt = [User(Bytes(100_000))];

        Assert.False(Start(Warmup(), "gpt-4o-mini", prompt, "budget"));
        Assert.True(Start(Warmup(), "gpt-4o-mini", prompt, "summarize"));
        Assert.False(Start(Warmup(), "gpt-4o-mini", prompt, ContextPolicy.Summarize(new UnusedClient(), new SummarizingPolicyOptions { AtShareOfWindow = 0.9 })));
    }

    [Fact]
    public void ReserveOutput_ShrinksTheBudget()
    {
        List<ChatMessage> prompt = [User(Bytes(100_000))];

        Assert.True(Start(Warmup(), "gpt-4o-mini", prompt, reserveOutput: 64_000));
    }

    [Fact]
    public void MaxCost_EveryPricedPromptIsCounted_StartsEvenForAShortOne()
    {
        Assert.True(Start(Warmup(), "gpt-4o-mini", [User("hi")], maxCost: 0.01m));
    }

    [Fact]
    public void ChatIdle_ConversationPastHalfTheBudget_Starts()
    {
        var warmup = Warmup();

        Assert.False(warmup.StartWhileIdle(Session(Bytes(40_000))));
        Assert.True(warmup.StartWhileIdle(Session(Bytes(60_000))));

        Assert.Equal(["o200k_base"], _preloaded);
    }

    private TokenizerWarmup Warmup() => new(encoding =>
    {
        _preloaded.Add(encoding);
        return Task.CompletedTask;
    });

    [Fact]
    public void CustomPolicy_DefinedOutsideParley_DecidesTheWarmUp()
    {
        // A policy the CLI has never heard of: it sends only the newest question, so only that question is counted.
        var history = new List<ChatMessage> { User(Bytes(200_000)), new(ChatRole.Assistant, "ok"), User("and now?") };

        Assert.False(Start(Warmup(), "gpt-4o-mini", history, new NewestQuestionOnlyPolicy()));
        Assert.True(Start(Warmup(), "gpt-4o-mini", [User(Bytes(200_000))], new NewestQuestionOnlyPolicy()));
        Assert.True(Start(Warmup(), "gpt-4o-mini", history, "budget"));
    }

    [Fact]
    public void ChatIdle_CustomPolicy_DecidesTheWarmUp()
    {
        var options = new ChatSessionOptions
        {
            Model = "gpt-4o-mini",
            InitialMessages = [User("Tell me everything."), new ChatMessage(ChatRole.Assistant, Bytes(200_000))],
        };

        Assert.True(Warmup().StartWhileIdle(new ChatSession(new UnusedClient(), options)));
        options.Context = new NewestQuestionOnlyPolicy();
        Assert.False(Warmup().StartWhileIdle(new ChatSession(new UnusedClient(), options)));
    }

    private static bool Start(
        TokenizerWarmup warmup, string model, List<ChatMessage> messages, string policy = "budget",
        Dictionary<string, int>? learned = null, int? reserveOutput = null, decimal? maxCost = null) =>
        Start(warmup, model, messages, Policy(policy), learned, reserveOutput, maxCost);

    private static bool Start(
        TokenizerWarmup warmup, string model, List<ChatMessage> messages, ContextPolicy policy,
        Dictionary<string, int>? learned = null, int? reserveOutput = null, decimal? maxCost = null) =>
        warmup.StartForFirstRequest(
            ModelCatalog.BuiltIn, new TokenCounter(), model, id => learned is not null && learned.TryGetValue(id, out var n) ? n : null,
            messages, policy, reserveOutput, new ChatOptions(), maxCost);

    private static ContextPolicy Policy(string name) => name switch
    {
        "keep-all" => ContextPolicy.KeepAll(),
        "summarize" => ContextPolicy.Summarize(new UnusedClient()),
        "last:4" => ContextPolicy.LastMessages(4),
        _ => ContextPolicy.TokenBudget(),
    };

    private static ChatSession Session(string earlierAnswer) => new(new UnusedClient(), new ChatSessionOptions
    {
        Model = "gpt-4o-mini",
        InitialMessages = [User("Tell me everything."), new ChatMessage(ChatRole.Assistant, earlierAnswer)],
    });

    private static ChatMessage System(string text) => new(ChatRole.System, text);

    private static ChatMessage User(string text) => new(ChatRole.User, text);

    private static string Bytes(int count) => new('a', count);

    /// <summary>Sends the newest question alone: only the last user message's size matters.</summary>
    private sealed class NewestQuestionOnlyPolicy : ContextPolicy
    {
        public override string Name => "newest-only";

        public override Task<ContextResult> ApplyAsync(ContextRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ContextResult { Messages = [request.Messages[^1]], Dropped = request.Messages.Count - 1 });

        public override bool NeedsTokenCount(IReadOnlyList<ChatMessage> messages, ContextBudget budget, double share = 1.0) =>
            base.NeedsTokenCount([.. messages.Where(m => m.Role == ChatRole.User).TakeLast(1)], budget, share);
    }

    private sealed class UnusedClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("no request is made");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("no request is made");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
