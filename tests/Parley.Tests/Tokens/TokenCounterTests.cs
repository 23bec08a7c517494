using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Tests.Tokens;

public class TokenCounterTests
{
    private static ModelInfo Model(string id) => ModelCatalog.BuiltIn.Find(id)!;

    // The six-message example of OpenAI's cookbook "How to count tokens with tiktoken"; the API billed 129 prompt
    // tokens on gpt-3.5-turbo-0125 and gpt-4-0613, and 124 on gpt-4o and gpt-4o-mini.
    private static List<ChatMessage> CookbookMessages() =>
    [
        new(ChatRole.System, "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."),
        new(ChatRole.System, "New synergies will help drive top-line growth.") { AuthorName = "example_user" },
        new(ChatRole.System, "Things working well together will increase revenue.") { AuthorName = "example_assistant" },
        new(ChatRole.System, "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.") { AuthorName = "example_user" },
        new(ChatRole.System, "Let's talk later when we're less busy about how to do better.") { AuthorName = "example_assistant" },
        new(ChatRole.User, "This late pivot means we don't have time to boil the ocean for the client deliverable."),
    ];

    [Theory]
    [InlineData("gpt-3.5-turbo-0125", 129)]
    [InlineData("gpt-4-0613", 129)]
    [InlineData("gpt-4o", 124)]
    [InlineData("gpt-4o-mini", 124)]
    public void CountPrompt_CookbookExampleWithNames_EqualsBilledTokens(string model, int billed)
    {
        TokenCount count = new TokenCounter().CountPrompt(CookbookMessages(), Model(model));

        Assert.Equal(new TokenCount(billed, IsEstimate: false), count);
    }

    [Theory]
    [InlineData("gpt-4o-mini", "hello", 8)]
    [InlineData("gpt-4.5-preview", "hello", 8)]
    [InlineData("o3-mini", "hello", 7)]
    [InlineData("gpt-5", "What is the capital of France?", 13)]
    public void CountPrompt_OneUserMessage_ChatAndReasoningFramingDiffer(string model, string text, int billed)
    {
        TokenCount count = new TokenCounter().CountPrompt([new ChatMessage(ChatRole.User, text)], Model(model));

        Assert.Equal(billed, count.Value);
        Assert.False(count.IsEstimate);
    }

    [Fact]
    public void CountPrompt_EqualsMessagesPlusReplyPriming()
    {
        var counter = new TokenCounter();
        ModelInfo model = Model("gpt-4o");
        List<ChatMessage> messages = CookbookMessages();

        int sum = messages.Sum(m => counter.CountMessage(m, model).Value);

        Assert.Equal(sum + model.Framing.ReplyPriming, counter.CountPrompt(messages, model).Value);
    }

    [Theory]
    [InlineData("cl100k_base", "hello world", 2)]
    [InlineData("cl100k_base", "antidisestablishmentarianism", 6)]
    [InlineData("o200k_base", "tiktoken is great!", 6)]
    [InlineData("o200k_base", "お誕生日おめでとう", 8)]
    [InlineData("o200k_harmony", "tiktoken is great!", 6)]
    public void CountText_KnownString_MatchesTiktoken(string encoding, string text, int tokens)
    {
        var model = new ModelInfo { Id = "test", Encoding = encoding };

        Assert.Equal(new TokenCount(tokens, false), new TokenCounter().CountText(text, model));
    }

    [Fact]
    public void CountText_SpecialTokenInUserText_CountsAsPlainText()
    {
        var model = new ModelInfo { Id = "test", Encoding = "cl100k_base" };

        TokenCount count = new TokenCounter().CountText("<|endoftext|>", model);
        IReadOnlyList<int> ids = TokenEncodings.EncodeToIds("cl100k_base", "<|endoftext|>");

        Assert.Equal(7, count.Value);
        Assert.DoesNotContain(100257, ids);
        Assert.Equal("<|endoftext|>", TokenEncodings.Get("cl100k_base").Decode(ids));
    }

    [Fact]
    public void CountText_EmptyString_IsZero()
    {
        Assert.Equal(0, new TokenCounter().CountText(string.Empty, Model("gpt-4o")).Value);
    }

    [Fact]
    public void CountMessage_SameMessageTwice_TokenizesOnce()
    {
        var counter = new TokenCounter();
        var message = new ChatMessage(ChatRole.User, "Count me once, please.");

        TokenCount first = counter.CountMessage(message, Model("gpt-4o"));
        TokenCount second = counter.CountMessage(message, Model("gpt-4o-mini")); // same encoding

        Assert.Equal(first, second);
        Assert.Equal(1, counter.MessageTokenizations);
    }

    [Fact]
    public void CountPrompt_GrowingHistory_TokenizesOnlyTheNewMessage()
    {
        var counter = new TokenCounter();
        ModelInfo model = Model("gpt-4o");
        var history = new List<ChatMessage> { new(ChatRole.System, "You are terse.") };

        for (int turn = 1; turn <= 20; turn++)
        {
            history.Add(new ChatMessage(turn % 2 == 1 ? ChatRole.User : ChatRole.Assistant, $"Turn {turn} says something."));
            int before = counter.MessageTokenizations;

            counter.CountPrompt(history, model);

            Assert.Equal(before + (turn == 1 ? 2 : 1), counter.MessageTokenizations);
        }
    }

    [Fact]
    public void CountMessage_EncodingSwitch_CountsOncePerEncoding()
    {
        var counter = new TokenCounter();
        var message = new ChatMessage(ChatRole.User, "Switching models changes the tokenizer.");

        int cl100k = counter.CountMessage(message, Model("gpt-4")).Value;
        int o200k = counter.CountMessage(message, Model("gpt-4o")).Value;
        counter.CountMessage(message, Model("gpt-3.5-turbo"));
        counter.CountMessage(message, Model("gpt-5"));

        Assert.Equal(2, counter.MessageTokenizations);
        Assert.True(cl100k > 0 && o200k > 0);
    }

    [Fact]
    public void CountMessage_MessageEditedAfterCounting_IsCountedAgain()
    {
        var counter = new TokenCounter();
        var message = new ChatMessage(ChatRole.Assistant, "Partial");
        int before = counter.CountMessage(message, Model("gpt-4o")).Value;

        message.Contents.Add(new TextContent(" answer, now complete and longer."));
        int after = counter.CountMessage(message, Model("gpt-4o")).Value;

        Assert.True(after > before);
        Assert.Equal(2, counter.MessageTokenizations);
    }

    [Fact]
    public async Task CountPrompt_ManyThreads_AgreeAndShareTheCache()
    {
        var counter = new TokenCounter();
        ModelInfo model = Model("gpt-4o");
        List<ChatMessage> messages = CookbookMessages();

        int[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => counter.CountPrompt(messages, model).Value)));

        Assert.All(results, r => Assert.Equal(124, r));
        Assert.InRange(counter.MessageTokenizations, messages.Count, messages.Count * 16);
        Assert.Equal(124, counter.CountPrompt(messages, model).Value);
    }

    [Fact]
    public void CountPrompt_SystemMessageToReasoningModel_UsesTheWireRole()
    {
        var counter = new TokenCounter();
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "End every response to the user with the exact phrase: 'Hope this helps!'"),
            new(ChatRole.User, "How long will it take to make a cheesecake from scratch? Including getting ingredients."),
        ];

        // Sent as a developer message, o3-mini billed 42.
        Assert.Equal(42, counter.CountPrompt(messages, Model("o3-mini")).Value);
    }

    [Fact]
    public void CountPrompt_UnknownModel_IsAnEstimate()
    {
        TokenCount count = new TokenCounter().CountPrompt([new ChatMessage(ChatRole.User, "hello there")], null);

        Assert.True(count.IsEstimate);
        Assert.True(count.Value > 0);
    }

    [Fact]
    public void CountPrompt_LocalModel_IsAnEstimateWithItsFraming()
    {
        var counter = new TokenCounter();
        ModelInfo llama = Model("llama3");
        var message = new ChatMessage(ChatRole.User, "Tell me a joke about OpenTelemetry");

        TokenCount count = counter.CountPrompt([message], llama);

        // llama3 frames a user turn with 4 special tokens plus its role, and primes the reply with 5.
        int content = counter.CountText("Tell me a joke about OpenTelemetry", llama).Value;
        Assert.True(count.IsEstimate);
        Assert.Equal(content + 4 + 1 + 5, count.Value);
    }

    [Fact]
    public void Calibrate_FirstObservation_SetsTheRatioAndScalesLaterCounts()
    {
        var counter = new TokenCounter();
        ModelInfo model = Model("qwen3");
        List<ChatMessage> prompt = [new(ChatRole.User, "Some words to calibrate the estimator with.")];
        int estimate = counter.CountPrompt(prompt, model).Value;

        double ratio = counter.Calibrate(model, prompt, null, estimate * 2);

        Assert.Equal(2.0, ratio, precision: 6);
        Assert.Equal(estimate * 2, counter.CountPrompt(prompt, model).Value);
        Assert.True(counter.CountPrompt(prompt, model).IsEstimate);
    }

    [Fact]
    public void Calibrate_LaterObservations_MoveTheRatioGradually()
    {
        var counter = new TokenCounter();
        ModelInfo model = Model("mistral");
        List<ChatMessage> prompt = [new(ChatRole.User, "Calibration moves slowly after the first sample.")];
        int estimate = counter.CountPrompt(prompt, model).Value;

        counter.Calibrate(model, prompt, null, estimate);           // ratio 1
        double ratio = counter.Calibrate(model, prompt, null, estimate * 2); // observed 2

        Assert.Equal(1.3, ratio, precision: 6);
    }

    [Fact]
    public void Calibrate_ImplausibleReport_IsIgnored()
    {
        var counter = new TokenCounter();
        ModelInfo model = Model("gemma3");
        List<ChatMessage> prompt = [new(ChatRole.User, "A server that reports only uncached tokens says almost nothing.")];

        double ratio = counter.Calibrate(model, prompt, null, 1);

        Assert.Equal(1.0, ratio);
    }

    [Fact]
    public void Calibrate_ExactModel_DoesNothing()
    {
        var counter = new TokenCounter();
        ModelInfo model = Model("gpt-4o");
        List<ChatMessage> prompt = [new(ChatRole.User, "hi")];

        Assert.Equal(1.0, counter.Calibrate(model, prompt, null, 500));
        Assert.False(counter.CountPrompt(prompt, model).IsEstimate);
        Assert.Equal(1.0, counter.GetCalibrationRatio(model));
    }

    [Fact]
    public void Calibrate_OwnLearnedFactsStore_RatioKeptThereAndReadBack()
    {
        // A library user keeps learned facts where they like: ILearnedModelFacts, no file, no Parley.Hosting.
        var facts = new MemoryFacts();
        ModelInfo model = Model("phi4");
        List<ChatMessage> prompt = [new(ChatRole.User, "Keep my calibration in my own store.")];
        var endpoint = new Uri("http://gpu-box:8000/v1");
        var firstRun = new TokenCounter(facts, endpoint);
        int estimate = firstRun.CountPrompt(prompt, model).Value;

        firstRun.Calibrate(model, prompt, null, estimate * 2);

        Assert.Equal(2.0, facts.GetCalibrationRatio(endpoint, model.Id)!.Value, precision: 6);
        Assert.Equal(2.0, new TokenCounter(facts, endpoint).GetCalibrationRatio(model), precision: 6);
    }

    private sealed class MemoryFacts : ILearnedModelFacts
    {
        private readonly Dictionary<(string, string), double> _ratios = [];

        public double? GetCalibrationRatio(Uri endpoint, string modelId) =>
            _ratios.TryGetValue((endpoint.ToString(), modelId), out var ratio) ? ratio : null;

        public void SetCalibrationRatio(Uri endpoint, string modelId, double ratio) => _ratios[(endpoint.ToString(), modelId)] = ratio;

        public int? GetContextLimit(Uri endpoint, string modelId) => null;

        public void SetContextLimit(Uri endpoint, string modelId, int tokens)
        {
        }
    }

    [Fact]
    public void Calibrate_WithLearnedFacts_IsRememberedAcrossRunsForThatEndpointOnly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"parley-calibration-{Guid.NewGuid():N}.json");
        try
        {
            ModelInfo model = Model("llama3.2:3b");
            List<ChatMessage> prompt = [new(ChatRole.User, "Remember how my server counts tokens.")];
            var endpoint = new Uri("http://127.0.0.1:11434/v1");
            var firstRun = new TokenCounter(new LearnedModelFacts(path), endpoint);
            int estimate = firstRun.CountPrompt(prompt, model).Value;
            firstRun.Calibrate(model, prompt, null, (int)(estimate * 1.5));

            var secondRun = new TokenCounter(new LearnedModelFacts(path), endpoint);
            var otherServer = new TokenCounter(new LearnedModelFacts(path), new Uri("http://127.0.0.1:8000/v1"));

            Assert.Equal(firstRun.GetCalibrationRatio(model), secondRun.GetCalibrationRatio(model));
            Assert.Equal(firstRun.CountPrompt(prompt, model), secondRun.CountPrompt(prompt, model));
            Assert.NotNull(new LearnedModelFacts(path).GetCalibrationRatio(endpoint, "llama3.2"));
            Assert.Equal(1.0, otherServer.GetCalibrationRatio(model));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Preload_CompletesAndLeavesTheTokenizerLoaded()
    {
        await TokenCounter.Preload("cl100k_base");
        await TokenCounter.Preload(null);
        await TokenCounter.Preload("p50k_base"); // not shipped: preloads the estimator's o200k_base

        Assert.True(TokenEncodings.IsLoaded("cl100k_base"));
        Assert.True(TokenEncodings.IsLoaded("o200k_base"));
        Assert.Equal(2, TokenEncodings.LoadCount);
    }

    [Fact]
    public void CountPrompt_CookbookToolExample_IsWithinOneTokenAndMarkedEstimate()
    {
        JsonElement parameters = JsonDocument.Parse("""
            {"type": "object", "properties": {
              "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
              "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}},
             "required": ["location"]}
            """).RootElement;
        AITool[] tools = [AIFunctionFactory.CreateDeclaration("get_current_weather", "Get the current weather in a given location", parameters)];
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You are a helpful assistant that can answer to questions about the weather."),
            new(ChatRole.User, "What's the weather like in San Francisco?"),
        ];
        var counter = new TokenCounter();

        // Billed by the API (cookbook): 105 on gpt-3.5-turbo and gpt-4, 101 on gpt-4o and gpt-4o-mini.
        TokenCount cl100k = counter.CountPrompt(messages, Model("gpt-4"), tools);
        TokenCount o200k = counter.CountPrompt(messages, Model("gpt-4o"), tools);

        Assert.InRange(cl100k.Value, 104, 106);
        Assert.InRange(o200k.Value, 100, 102);
        Assert.True(o200k.IsEstimate);
    }

    [Fact]
    public void CountPrompt_NullMessages_ThrowsWithParameterName()
    {
        ArgumentNullException error = Assert.Throws<ArgumentNullException>(() => new TokenCounter().CountPrompt(null!, null));
        Assert.Equal("messages", error.ParamName);
    }
}

public class TokenCounterToolCallTests
{
    [Fact]
    public void CountMessage_ToolCall_CountsArgumentsAsMicrosoftExtensionsAISendsThem()
    {
        var arguments = new Dictionary<string, object?> { ["country"] = "UK" };
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_capital", arguments)]);
        ModelInfo model = ModelCatalog.BuiltIn.Find("gpt-4o-mini")!;

        // Microsoft.Extensions.AI's OpenAI client re-serializes the arguments indented: "{\n  \"country\": \"UK\"\n}".
        TokenCount sent = new TokenCounter().CountMessage(call, model);
        TokenCount compact = new TokenCounter { ToolJsonOptions = new System.Text.Json.JsonSerializerOptions { TypeInfoResolver = AIJsonUtilities.DefaultOptions.TypeInfoResolver } }.CountMessage(call, model);

        Assert.True(sent.IsEstimate);
        Assert.True(sent.Value > compact.Value);
        // framing 3 + "assistant" 1 + name 3 + {"country":"UK"} 5 + 8 per call
        Assert.Equal(20, compact.Value);
    }

    [Fact]
    public void CountMessage_ToolMessageWithTwoResults_IsFramedAsTwoMessages()
    {
        var results = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("a", "London"), new FunctionResultContent("b", "Paris")]);

        TokenCount count = new TokenCounter().CountMessage(results, ModelCatalog.BuiltIn.Find("gpt-4o")!);

        Assert.Equal(2 * (3 + 1 + 1), count.Value);
    }
}
