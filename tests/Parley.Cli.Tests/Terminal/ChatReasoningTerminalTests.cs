using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>parley chat</c> in a real terminal (tmux): the model's reasoning shown dimmed, before the answer.</summary>
public class ChatReasoningTerminalTests
{
    [Fact]
    public async Task Chat_InTerminal_ReasoningDimmedBeforeTheAnswer()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello **there**!").WithReasoning("The user greets me; ", "a short greeting back will do."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var terminal = await parley.StartInTerminalAsync("chat", "-m", "deepseek-reasoner");
        await terminal.WaitForAsync("/help for commands");

        await terminal.TypeAsync("hi");
        await terminal.PressAsync("Enter");
        var screen = await terminal.WaitForAsync("Hello there!");

        var lines = screen.Split('\n');
        var reasoning = Array.FindIndex(lines, l => l.Contains("The user greets me; a short greeting back will do.", StringComparison.Ordinal));
        var answer = Array.FindIndex(lines, l => l.Contains("Hello there!", StringComparison.Ordinal));
        Assert.True(reasoning >= 0 && reasoning < answer, screen);
        Assert.Contains("\u001b[2mThe user greets me; ", await terminal.StyledScreenAsync(), StringComparison.Ordinal);
    }
}
