using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests.Tokens;

public class TokenCalibrationChatClientTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EstimatedModel_ReportedPromptTokens_LearnsAndPersistsTheRatio(bool streaming)
    {
        using var temp = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        var model = ModelCatalog.BuiltIn.Find("llama3.2")!;
        List<ChatMessage> messages = [new(ChatRole.System, "You are a helpful assistant."), new(ChatRole.User, "What is the capital of France?")];
        var estimate = new TokenCounter().CountPrompt(messages, model).Value;
        var reported = estimate + 7;
        server.Enqueue(ScriptedResponse.Text("Paris.", promptTokens: reported, completionTokens: 2));
        var facts = new LearnedModelFacts(temp.File("learned-models.json"));
        var counter = new TokenCounter(facts, server.OpenAIBaseUrl);
        var log = new RecordingLogger();
        using var client = ServerClients.Create(server, "llama3.2").AsBuilder()
            .UseTokenCalibration(counter, ModelCatalog.BuiltIn, loggerFactory: log)
            .Build();

        await Send(client, messages, new ChatOptions { ModelId = "llama3.2:3b" }, streaming);
        messages.Add(new(ChatRole.Assistant, "Paris.")); // the caller's list changes before the background calibration
        await client.GetService<TokenCounter>()!.WhenCalibratedAsync();

        var expected = reported / (double)estimate;
        var calibrated = Assert.Single(log.Events, e => e.EventId.Id == ParleyTelemetry.Calibrated);
        Assert.Equal("llama3.2", calibrated["ModelId"]);
        Assert.Equal(expected, (double)calibrated["Ratio"]!, 6);
        Assert.Equal(expected, facts.GetCalibrationRatio(server.OpenAIBaseUrl, "llama3.2")!.Value, 6);
        Assert.Equal(reported, new TokenCounter(facts, server.OpenAIBaseUrl).CountPrompt(messages.Take(2), model).Value); // a later run uses it
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task OnlyWhenTokenizerLoaded_LearnsOnlyOnceTheTokenizerIsInMemory(bool loaded, bool learns)
    {
        using var temp = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("ok", promptTokens: 40, completionTokens: 1));
        var facts = new LearnedModelFacts(temp.File("learned-models.json"));
        using var client = ServerClients.Create(server).AsBuilder().Use(inner => new TokenCalibrationChatClient(inner, new TokenCounter(facts, server.OpenAIBaseUrl), ModelCatalog.BuiltIn)
        {
            OnlyWhenTokenizerLoaded = true,
            TokenizerLoaded = _ => loaded,
        }).Build();

        await Send(client, [new(ChatRole.User, "hello there")], new ChatOptions { ModelId = "my-vllm-model" }, streaming: true);
        await client.GetService<TokenCounter>()!.WhenCalibratedAsync();

        Assert.Equal(learns, facts.GetCalibrationRatio(server.OpenAIBaseUrl, "my-vllm-model") is not null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UnknownModel_IsCalibratedUnderItsOwnId(bool streaming)
    {
        using var temp = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("ok", promptTokens: 40, completionTokens: 1));
        var facts = new LearnedModelFacts(temp.File("learned-models.json"));
        using var client = ServerClients.Create(server).AsBuilder().UseTokenCalibration(new TokenCounter(facts, server.OpenAIBaseUrl)).Build();

        await Send(client, [new(ChatRole.User, "hello there")], new ChatOptions { ModelId = "my-vllm-model" }, streaming);
        await client.GetService<TokenCounter>()!.WhenCalibratedAsync();

        Assert.NotNull(facts.GetCalibrationRatio(server.OpenAIBaseUrl, "my-vllm-model"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExactModel_IsNotCalibrated(bool streaming)
    {
        using var temp = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("ok", promptTokens: 400, completionTokens: 1));
        var file = temp.File("learned-models.json");
        using var client = ServerClients.Create(server).AsBuilder().UseTokenCalibration(new TokenCounter(new LearnedModelFacts(file), server.OpenAIBaseUrl)).Build();

        await Send(client, [new(ChatRole.User, "hello")], new ChatOptions { ModelId = "gpt-4o-mini" }, streaming);
        await client.GetService<TokenCounter>()!.WhenCalibratedAsync();

        Assert.False(File.Exists(file));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NoReportedUsage_LearnsNothing(bool streaming)
    {
        using var temp = new TempDirectory();
        var file = temp.File("learned-models.json");
        using var inner = new Resilience.FakeChatClient();
        using var client = inner.AsBuilder().UseTokenCalibration(new TokenCounter(new LearnedModelFacts(file), new Uri("http://127.0.0.1:1/v1"))).Build();

        await Send(client, [new(ChatRole.User, "hello")], new ChatOptions { ModelId = "llama3.2" }, streaming);
        await client.GetService<TokenCounter>()!.WhenCalibratedAsync();

        Assert.Equal(1, inner.Calls);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task TwoResponses_AreLearnedInOrder()
    {
        await using var server = await LoopbackServer.StartAsync();
        var model = ModelCatalog.BuiltIn.Find("qwen2.5")!;
        List<ChatMessage> messages = [new(ChatRole.User, "Count these words for me please")];
        var estimate = new TokenCounter().CountPrompt(messages, model).Value;
        server.Enqueue(ScriptedResponse.Text("ok", promptTokens: estimate * 2, completionTokens: 1));
        server.Enqueue(ScriptedResponse.Text("ok", promptTokens: estimate, completionTokens: 1));
        var counter = new TokenCounter();
        using var client = ServerClients.Create(server).AsBuilder().UseTokenCalibration(counter).Build();

        await client.GetResponseAsync(messages, new ChatOptions { ModelId = "qwen2.5" });
        await client.GetResponseAsync(messages, new ChatOptions { ModelId = "qwen2.5" });
        await client.GetService<TokenCounter>()!.WhenCalibratedAsync();

        // The first observation sets the ratio (2), the second moves it 30 % of the way to 1.
        Assert.Equal(1.7, counter.GetCalibrationRatio(model), 6);
    }

    [Fact]
    public void Guards_NullArguments_NameTheParameter()
    {
        using var inner = new Resilience.FakeChatClient();
        Assert.Equal("counter", Assert.Throws<ArgumentNullException>(() => new TokenCalibrationChatClient(inner, null!, ModelCatalog.BuiltIn)).ParamName);
        Assert.Equal("catalog", Assert.Throws<ArgumentNullException>(() => new TokenCalibrationChatClient(inner, new TokenCounter(), null!)).ParamName);
        Assert.Equal("counter", Assert.Throws<ArgumentNullException>(() => inner.AsBuilder().UseTokenCalibration(null!)).ParamName);
    }

    private static async Task Send(IChatClient client, List<ChatMessage> messages, ChatOptions options, bool streaming)
    {
        if (streaming)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(messages, options))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(messages, options);
        }
    }
}
