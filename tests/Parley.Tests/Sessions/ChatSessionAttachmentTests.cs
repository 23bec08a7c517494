using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>
/// <see cref="ChatSession.SendAsync(ChatMessage, CancellationToken)"/> and its streaming twin: a question with images
/// goes out as image parts, counted before sending (window, cost), and is refused for a model that reads no images.
/// </summary>
public class ChatSessionAttachmentTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MessageWithImage_GoesUpstreamAsTextAndImageUrlParts(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var png = TestImages.Png(800, 400);
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o" });

        var turn = await RunTurn(session, Question(png), streaming);

        var parts = Assert.Single(server.Requests).Json!.Value.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal("text", parts[0].GetProperty("type").GetString());
        Assert.Equal("What is in this image?", parts[0].GetProperty("text").GetString());
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(TurnStatus.Complete, turn.Status);
    }

    [Fact]
    public async Task MessageWithImageOfKnownSize_IsCountedExactlyByTheModelsImageRule()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o" });

        var turn = await session.SendAsync(Question(TestImages.Png(800, 400)));

        // 800×400 is 2 tiles: 85 + 2 × 170 = 425, plus 13 for the text and framing (OpenAI billed 438 for this request).
        Assert.Equal(438, turn.Context!.PromptTokens);
        Assert.False(turn.Context.PromptTokensEstimated);
    }

    [Fact]
    public async Task MessageWithImageUrl_IsSentAsUrlAndCountedAsAnEstimate()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o" });
        var url = new Uri("https://example.com/parrot.png");

        var turn = await session.SendAsync(new ChatMessage(ChatRole.User, [new TextContent("What is in this image?"), new UriContent(url, "image/png")]));

        var part = server.Requests[0].Json!.Value.GetProperty("messages")[0].GetProperty("content")[1];
        Assert.Equal(url.ToString(), part.GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(765 + 13, turn.Context!.PromptTokens); // assumed 1024×1024: 85 + 4 × 170
        Assert.True(turn.Context.PromptTokensEstimated);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ImageToAModelThatReadsNoImages_IsRefusedAndNothingIsSent(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-3.5-turbo", SystemPrompt = "sys" });

        var e = await Assert.ThrowsAsync<NotSupportedException>(() => RunTurn(session, Question(TestImages.Png(64, 64)), streaming));

        Assert.Empty(server.Requests);
        Assert.Single(session.History); // only the system message
        Assert.Empty(session.Turns);
        Assert.StartsWith("gpt-3.5-turbo does not read images", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was sent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageToAModelTheConfigSaysReadsImages_IsSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var overrides = JsonDocument.Parse("""{"gpt-3.5-turbo": {"image_input": true}}""");
        var catalog = ModelCatalog.BuiltIn.WithOverrides(overrides.RootElement);
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-3.5-turbo", Catalog = catalog });

        await session.SendAsync(Question(TestImages.Png(64, 64)));

        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ImageTokens_CountInTheCostBudget(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        // gpt-4o-mini bills an 800×400 image 2833 + 2 × 5667 = 14,167 tokens ($0.0021 at $0.15/M); the text alone costs a fraction of $0.001.
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions
        {
            Model = "gpt-4o-mini",
            MaxCostUsd = 0.001m,
            ChatOptions = new ChatOptions { MaxOutputTokens = 10 },
        });

        await RunTurn(session, new ChatMessage(ChatRole.User, "What is in this image?"), streaming);
        var e = await Assert.ThrowsAsync<CostBudgetExceededException>(() => RunTurn(session, Question(TestImages.Png(800, 400)), streaming));

        Assert.Single(server.Requests);
        Assert.True(e.WorstCaseUsd >= 14_167 * 0.15m / 1_000_000m, $"worst case {e.WorstCaseUsd}");
    }

    [Fact]
    public async Task CallerChangesItsMessageAfterSending_HistoryKeepsWhatWasSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o" });
        var message = Question(TestImages.Png(16, 16));

        await session.SendAsync(message);
        message.Contents.Clear();

        Assert.Equal(2, session.History[0].Contents.Count);
        Assert.NotSame(message, session.Turns[0].UserMessage);
    }

    [Fact]
    public async Task NotAUserMessage_IsRejectedWithTheParameterName()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o" });

        var e = await Assert.ThrowsAsync<ArgumentException>(() => session.SendAsync(new ChatMessage(ChatRole.Assistant, "hi")));
        Assert.Equal("message", e.ParamName);
        Assert.Equal("message", Assert.Throws<ArgumentNullException>(() => session.StreamAsync((ChatMessage)null!)).ParamName);
        Assert.Empty(server.Requests);
    }

    private static ChatMessage Question(byte[] png) =>
        new(ChatRole.User, [new TextContent("What is in this image?"), new DataContent(png, "image/png")]);

    private static async Task<ChatTurn> RunTurn(ChatSession session, ChatMessage message, bool streaming)
    {
        if (!streaming)
        {
            return await session.SendAsync(message);
        }

        var stream = session.StreamAsync(message);
        await foreach (var _ in stream)
        {
        }

        return await stream.Turn;
    }
}
