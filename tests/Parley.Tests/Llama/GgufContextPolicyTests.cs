using Microsoft.Extensions.AI;
using Parley.Llama;
using Parley.TestServer.Gguf;

namespace Parley.Tests.Llama;

/// <summary>A conversation that outgrows a 256-token GGUF context: each policy keeps every request inside it.</summary>
public sealed class GgufContextPolicyTests : IDisposable
{
    private const int Window = 256;
    private const int MaxOutput = 8;

    private readonly string directory = Directory.CreateTempSubdirectory("parley-gguf-").FullName;

    [Theory]
    [InlineData("budget")]
    [InlineData("last")]
    [InlineData("summarize")]
    public async Task Conversation_OutgrowsTheContext_EveryTurnSentInsideIt(string policy)
    {
        using var model = await GgufModel.LoadAsync(TinyGguf.Write(Path.Combine(directory, "tiny.gguf"), new TinyGgufOptions { ContextLength = Window }));
        var session = Session(model, policy switch
        {
            "budget" => ContextPolicy.TokenBudget(),
            "last" => ContextPolicy.LastMessages(4),
            _ => ContextPolicy.Summarize(model.AsChatClient(), new SummarizingPolicyOptions { KeepLastTurns = 1, MaxSummaryTokens = 16, AtTokens = 150 }),
        });

        for (var turn = 0; turn < 10; turn++)
        {
            var answer = await session.SendAsync($"Turn {turn}: tell me something about the number {turn} in a few words.");
            Assert.True(answer.Usage!.InputTokenCount + MaxOutput <= Window, $"turn {turn} sent {answer.Usage.InputTokenCount} prompt tokens");
            Assert.Equal(answer.Usage.InputTokenCount, answer.Context!.PromptTokens); // Parley's count is what llama.cpp was fed
            Assert.False(answer.Context.PromptTokensEstimated);
        }

        Assert.True(model.CountPromptTokens(session.History) > Window, "the conversation never outgrew the window");
        Assert.True(session.LastTurn!.Context!.MessagesDropped + session.LastTurn.Context.MessagesSummarized > 0);
    }

    [Fact]
    public async Task Conversation_KeepAllOutgrowsTheContext_RefusedBeforeSendingNeverOverflowed()
    {
        using var model = await GgufModel.LoadAsync(TinyGguf.Write(Path.Combine(directory, "tiny.gguf"), new TinyGgufOptions { ContextLength = Window }));
        var session = Session(model, ContextPolicy.KeepAll());

        ContextWindowExceededException? refused = null;
        for (var turn = 0; turn < 20 && refused is null; turn++)
        {
            try
            {
                var answer = await session.SendAsync($"Turn {turn}: tell me something about the number {turn} in a few words.");
                Assert.True(answer.Usage!.InputTokenCount + MaxOutput <= Window);
            }
            catch (ContextWindowExceededException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.DoesNotContain("about", refused.Message, StringComparison.Ordinal); // counted exactly, not estimated
        Assert.Equal(Window, refused.ContextWindow);
        Assert.True(refused.PromptTokens + refused.ReservedOutput > Window);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static ChatSession Session(GgufModel model, ContextPolicy policy) => new(model.AsChatClient(), new ChatSessionOptions
    {
        Model = model.ModelInfo.Id,
        Catalog = ModelCatalog.BuiltIn.With(model.ModelInfo),
        ChatOptions = new ChatOptions { Temperature = 0f, MaxOutputTokens = MaxOutput },
        Context = policy,
    });
}
