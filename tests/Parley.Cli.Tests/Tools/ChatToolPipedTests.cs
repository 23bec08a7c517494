using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>parley chat</c> with tools over piped input (no terminal to ask).</summary>
public class ChatToolPipedTests
{
    [Fact]
    public async Task Chat_Piped_RefusedWithoutYesThenApprovedWithYes_HistoryKeepsTheRounds()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(new ToolCall("call_1", "add", """{"a":1,"b":1}""")));
        server.Enqueue(ScriptedResponse.Text("Refused, so no sum."));
        server.Enqueue(ScriptedResponse.Text("Still no sum."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "add 1 and 1\nagain?\n", "chat", "--mcp", McpTestServer.Command());

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Refused, so no sum.", r.Stdout);
        Assert.Contains("refused tool call add {\"a\":1,\"b\":1}", r.Stderr);

        // The second turn sends the first one's call and its (refused) result with it.
        var roles = server.Requests[2].Json!.Value.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).ToList();
        Assert.Equal(["user", "assistant", "tool", "assistant", "user"], roles);
    }

    [Fact]
    public async Task Chat_Piped_ModelLoopsPastTheChainLimit_ErrorAndExit1()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(new ToolCall("call_1", "add", """{"a":1,"b":1}""")));
        server.Enqueue(ScriptedResponse.ToolCalls(new ToolCall("call_2", "add", """{"a":2,"b":2}""")));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "add forever\n", "chat", "--mcp", McpTestServer.Command(), "--yes", "--chain-limit", "1");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error: stopped after 1 tool round (--chain-limit 1): the model still asked for add, which was not run", r.Stderr);
    }
}
