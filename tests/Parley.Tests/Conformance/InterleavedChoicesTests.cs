using System.Text;
using Parley.TestServer;

namespace Parley.Tests.Conformance;

/// <summary>
/// The wire shapes behind the <c>n=3</c> recording, written out so they are checked on machines without the fixtures:
/// a stream with several choices is read as choice 0 only, and a stream that repeats the role in every chunk (Ollama)
/// loses nothing.
/// </summary>
public sealed class InterleavedChoicesTests
{
    private static string Chunk(int index, string delta, string? finish = null) =>
        "data: {\"id\":\"chatcmpl-n\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":" + index
        + ",\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + (finish is null ? "null" : "\"" + finish + "\"") + "}]}\n\n";

    [Fact]
    public async Task Stream_TwoInterleavedChoices_ReadsChoiceZeroOnly()
    {
        var body = Chunk(0, "{\"role\":\"assistant\",\"content\":\"\"}") + Chunk(0, "{\"content\":\"first \"}")
            + Chunk(1, "{\"role\":\"assistant\",\"content\":\"\"}") + Chunk(1, "{\"content\":\"second \"}")
            + Chunk(0, "{\"content\":\"answer\"}") + Chunk(1, "{\"content\":\"answer\"}")
            + Chunk(0, "{}", "stop") + Chunk(1, "{}", "length")
            + "data: {\"id\":\"chatcmpl-n\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}\n\n"
            + "data: [DONE]\n\n";
        var (turn, shown) = await StreamAsync(body);

        Assert.Equal("first answer", turn.Text);
        Assert.Equal("first answer", shown);
        Assert.Equal("stop", turn.FinishReason?.Value);
        Assert.Equal(9, turn.Usage?.TotalTokenCount);
        Assert.Equal(TurnStatus.Complete, turn.Status);
    }

    [Fact]
    public async Task Stream_RoleRepeatedInEveryChunk_KeepsEveryChunk()
    {
        var body = Chunk(0, "{\"role\":\"assistant\",\"content\":\"one \"}") + Chunk(0, "{\"role\":\"assistant\",\"content\":\"two \"}")
            + Chunk(0, "{\"role\":\"assistant\",\"content\":\"three\"}") + Chunk(0, "{\"role\":\"assistant\",\"content\":\"\"}", "stop")
            + "data: [DONE]\n\n";
        var (turn, shown) = await StreamAsync(body);

        Assert.Equal("one two three", turn.Text);
        Assert.Equal("one two three", shown);
        Assert.Equal("stop", turn.FinishReason?.Value);
    }

    private static async Task<(ChatTurn Turn, string Shown)> StreamAsync(string body)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", body));
        using var client = ServerClients.Create(server, "gpt-4o");
        var session = new ChatSession(client);
        var shown = new StringBuilder();
        await foreach (var update in session.StreamAsync("hi"))
        {
            shown.Append(update.Text);
        }

        return (session.LastTurn!, shown.ToString());
    }
}
