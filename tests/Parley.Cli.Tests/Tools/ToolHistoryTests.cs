using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// A real tool round, end to end: run by a one-shot against the test MCP server, saved, shown by <c>history show</c>, and
/// sent again upstream (the assistant's tool_calls and the tool message) when the conversation continues.
/// </summary>
public class ToolHistoryTests
{
    [Theory]
    [InlineData("-c")]
    [InlineData("chat")]
    public async Task OneShotWithToolRound_ShownByHistoryAndSentAgain_WhenContinued(string continueWith)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(new ToolCall("call_w1", "get_weather", """{"city":"Paris"}""")));
        server.Enqueue(ScriptedResponse.Text("It is sunny in Paris."));
        server.Enqueue(ScriptedResponse.Text("Take sunglasses."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var first = await parley.RunAsync(stdin: "", "--mcp", McpTestServer.Command(), "--yes", "weather in Paris?");
        Assert.True(first.ExitCode == 0, first.Stderr);

        var id = (await ParleyDatabase.ListAsync(parley)).Single().Id;
        var show = await parley.RunAsync("", "history", "show", id);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.True(show.Stdout.Contains(
            "User: weather in Paris?\n\nAssistant: → tool get_weather {\"city\":\"Paris\"}\n\nTool: ← get_weather: Paris: 21 C, sunny\n\nAssistant: It is sunny in Paris.\n",
            StringComparison.Ordinal), show.Stdout);

        var next = continueWith == "-c"
            ? await parley.RunAsync(stdin: "", "-c", "what should I take?")
            : await parley.RunAsync(stdin: "what should I take?\n", "chat", "--cid", id);
        Assert.True(next.ExitCode == 0, next.Stderr);
        Assert.Contains("Take sunglasses.", next.Stdout);

        Assert.Equal(3, server.Requests.Count);
        var messages = server.Requests[2].Json!.Value.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool", "assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        var call = messages[1].GetProperty("tool_calls")[0];
        Assert.Equal("call_w1", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        Assert.Equal("call_w1", messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("Paris: 21 C, sunny", messages[2].GetProperty("content").GetString());
        Assert.Equal("It is sunny in Paris.", messages[3].GetProperty("content").GetString());
    }
}
