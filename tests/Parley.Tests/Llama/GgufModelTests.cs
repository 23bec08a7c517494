using System.Text;
using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using Parley.Llama;
using Parley.TestServer.Gguf;

namespace Parley.Tests.Llama;

public sealed class GgufModelTests : IDisposable
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0f, MaxOutputTokens = 8 };

    private readonly string directory = Directory.CreateTempSubdirectory("parley-gguf-").FullName;

    [Fact]
    public async Task StreamAsync_ChatWithMemory_PromptTokensEqualLlamaCppsOwnCount()
    {
        var path = TinyGguf.Write(Path.Combine(directory, "tiny.gguf"));
        using var model = await GgufModel.LoadAsync(path);
        var counter = new TokenCounter();
        var session = new ChatSession(model.AsChatClient(), new ChatSessionOptions
        {
            Model = model.ModelInfo.Id,
            SystemPrompt = "Be brief.",
            Catalog = ModelCatalog.BuiltIn.With(model.ModelInfo),
            TokenCounter = counter,
            ChatOptions = Greedy,
        });

        var first = await Drain(session.StreamAsync("Hello there"));
        var second = await Drain(session.StreamAsync("And again?"));

        var expected = LlamaCppCount(path, session.History.Take(session.History.Count - 1));
        Assert.Equal(expected, second.Usage!.InputTokenCount);
        Assert.True(second.Usage.InputTokenCount > first.Usage!.InputTokenCount + first.Usage.OutputTokenCount);
        var counted = counter.CountPrompt(session.History.Take(session.History.Count - 1), session.ModelInfo);
        Assert.Equal(new TokenCount(expected, false), counted);
        Assert.True(session.ModelInfo!.HasExactTokenizer);
        Assert.Equal(8, second.Usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, second.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_ReplyReachesTheEndOfTheContext_StopsWithLengthInsideIt()
    {
        var path = TinyGguf.Write(Path.Combine(directory, "tiny.gguf"), new TinyGgufOptions { ContextLength = 64 });
        using var model = await GgufModel.LoadAsync(path);

        var response = await model.AsChatClient().GetResponseAsync([new ChatMessage(ChatRole.User, "Go on forever")], new ChatOptions { Temperature = 0f });

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(64, response.Usage!.InputTokenCount + response.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_PromptLongerThanTheContext_RefusedBeforeLlamaCpp()
    {
        var path = TinyGguf.Write(Path.Combine(directory, "tiny.gguf"), new TinyGgufOptions { ContextLength = 64 });
        using var model = await GgufModel.LoadAsync(path);
        var prompt = new string('x', 100);

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(
            () => model.AsChatClient().GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], Greedy));

        Assert.Equal(64, error.ContextWindow);
        Assert.Equal(model.CountPromptTokens([new ChatMessage(ChatRole.User, prompt)]), error.PromptTokens);
    }

    [Fact]
    public async Task LoadAsync_ContextSizeAboveTheTrainedLength_CappedByTheFile()
    {
        var path = TinyGguf.Write(Path.Combine(directory, "tiny.gguf"), new TinyGgufOptions { ContextLength = 128 });

        using var large = await GgufModel.LoadAsync(path, new GgufModelOptions { ContextSize = 4096 });
        using var small = await GgufModel.LoadAsync(path, new GgufModelOptions { ContextSize = 96 });

        Assert.Equal(128, large.ModelInfo.ContextWindow);
        Assert.Equal(96, small.ModelInfo.ContextWindow);
        Assert.Equal(0m, large.ModelInfo.InputPerMillion);
        Assert.True(large.ModelInfo.IsLocal);
    }

    [Fact]
    public async Task GetResponseAsync_FirstRequest_ReportsUsageAndTimings()
    {
        var path = TinyGguf.Write(Path.Combine(directory, "tiny.gguf"));
        using var model = await GgufModel.LoadAsync(path);
        var client = model.AsChatClient();

        var first = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Greedy);
        var second = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Greedy);

        Assert.Equal(first.Messages[0].Text, second.Messages[0].Text);
        Assert.True(ServerTimings.GenerationTime(first.Usage) > TimeSpan.Zero);
        Assert.True(first.Usage!.AdditionalCounts!.ContainsKey(ServerTimings.PromptNanoseconds));
        Assert.NotNull(ServerTimings.LoadTime(first.Usage));
        Assert.Null(ServerTimings.LoadTime(second.Usage));
    }

    [Fact]
    public async Task LoadAsync_MissingFile_GgufModelException()
    {
        var error = await Assert.ThrowsAsync<GgufModelException>(() => GgufModel.LoadAsync(Path.Combine(directory, "none.gguf")));

        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_TruncatedFile_GgufModelException()
    {
        var path = TinyGguf.Write(Path.Combine(directory, "tiny.gguf"));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<GgufModelException>(() => GgufModel.LoadAsync(path));

        Assert.Contains("could not load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_NotAGgufFile_GgufModelException()
    {
        var path = Path.Combine(directory, "notes.gguf");
        File.WriteAllText(path, "hello");

        var error = await Assert.ThrowsAsync<GgufModelException>(() => GgufModel.LoadAsync(path));

        Assert.Contains("not a GGUF", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static async Task<ChatTurn> Drain(ChatTurnStream stream)
    {
        await foreach (var _ in stream)
        {
        }

        return await stream.Turn;
    }

    // llama.cpp's count of the ChatML prompt rendered here by hand, through a second load of the file.
    private static int LlamaCppCount(string path, IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            text.Append("<|im_start|>").Append(message.Role.Value).Append('\n').Append(message.Text).Append("<|im_end|>\n");
        }

        text.Append("<|im_start|>assistant\n");
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path));
        return weights.Tokenize(text.ToString(), add_bos: false, special: true, Encoding.UTF8).Length;
    }
}
