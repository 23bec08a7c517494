using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Approval of tool calls in a real terminal (tmux): the call is shown and asked for — yes, no, or always for this tool.</summary>
public class ToolApprovalTerminalTests
{
    private const string Question = "run it? [y]es / [n]o / [a]lways for this tool:";

    [Fact]
    public async Task Chat_InTerminal_AlwaysForThisTool_AskedOnceThenRunsWithoutAsking()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(new ToolCall("call_1", "get_weather", """{"city":"Paris"}""")));
        server.Enqueue(ScriptedResponse.Text("Sunny in Paris."));
        server.Enqueue(ScriptedResponse.ToolCalls(new ToolCall("call_2", "get_weather", """{"city":"Rome"}""")));
        server.Enqueue(ScriptedResponse.Text("Warm in Rome."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var terminal = await parley.StartInTerminalAsync("chat", "--mcp", McpTestServer.Command());
        await terminal.WaitForAsync("/help for commands", timeoutSeconds: 60);

        await terminal.TypeAsync("weather in Paris?");
        await terminal.PressAsync("Enter");
        await terminal.WaitForAsync(Question);
        await terminal.PressAsync("a");
        var answered = await terminal.WaitForAsync("Sunny in Paris.");
        await terminal.TypeAsync("and Rome?");
        await terminal.PressAsync("Enter");
        var screen = await terminal.WaitForAsync("Warm in Rome.");

        Assert.Contains("tool get_weather {\"city\":\"Paris\"}  " + Question + " a", answered);
        Assert.Contains("\ntool get_weather {\"city\":\"Rome\"}\n", screen); // on its own line: the spinner made room for it
        Assert.Single(screen.Split(Question)[1..]); // asked once only
        Assert.Equal("Paris: 21 C, sunny", LastToolResult(server.Requests[1]));
        Assert.Equal("Rome: 21 C, sunny", LastToolResult(server.Requests[3]));
    }

    [Fact]
    public async Task OneShot_InTerminal_No_CallNotRunAndTheModelIsTold()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(new ToolCall("call_1", "add", """{"a":1,"b":2}""")));
        server.Enqueue(ScriptedResponse.Text("Understood, I will not add."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var terminal = await parley.StartInTerminalAsync("--mcp", McpTestServer.Command(), "add 1 and 2");

        await terminal.WaitForAsync(Question, timeoutSeconds: 60);
        await terminal.PressAsync("n");
        var screen = await terminal.WaitForAsync("[exit 0]");

        Assert.Contains("tool add {\"a\":1,\"b\":2}  " + Question + " n", screen);
        Assert.Contains("refused: add was not run", screen);
        Assert.Contains("Understood, I will not add.", screen);
        Assert.Equal("The user refused this tool call: it was not run.", LastToolResult(server.Requests[1]));
    }

    private static string? LastToolResult(RecordedRequest request) =>
        request.Json!.Value.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString();
}
