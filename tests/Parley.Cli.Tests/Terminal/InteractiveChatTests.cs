using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>parley chat</c> in a real terminal (tmux): what a person sees and types.</summary>
public class InteractiveChatTests
{
    private const string CodeAnswer = "# Adding numbers\n\nA **short** example:\n\n```python\ndef add(a, b):\n    return a + b  # [red]not markup[/]\n```\n\n- first item\n- second item\n";

    [Fact]
    public async Task Chat_InTerminal_ShowsPromptStreamsAnswerAndRendersCodeBlock()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text(CodeAnswer).WithChunks(Split(CodeAnswer, 12)).WithChunkDelay(TimeSpan.FromMilliseconds(10)));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var terminal = await parley.StartInTerminalAsync("chat", "-s", "You are helpful.");

        await terminal.WaitForAsync("/help for commands");
        await terminal.TypeAsync("show me code");
        await terminal.PressAsync("Enter");
        var screen = await terminal.WaitForAsync("• second item");

        Assert.Contains("> show me code", screen);
        Assert.Contains("╭─python", screen);
        Assert.Contains("return a + b  # [red]not markup[/]", screen);
        Assert.Contains("• first item", screen);
        Assert.DoesNotContain("```", screen);
        Assert.DoesNotContain("# Adding", screen);
        Assert.Contains("Adding numbers", screen);
    }

    [Fact]
    public async Task Chat_InTerminal_HistoryThenResetThenCtrlDExits0()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var terminal = await parley.StartInTerminalAsync("chat", "-s", "sys");
        await terminal.WaitForAsync("/help for commands");

        await terminal.TypeAsync("What is AI?");
        await terminal.PressAsync("Enter");
        await terminal.WaitForAsync("Echo: What is AI?");
        await terminal.TypeAsync("/history");
        await terminal.PressAsync("Enter");
        var history = await terminal.WaitForAsync("Assistant: Echo: What is AI?");
        await terminal.TypeAsync("/reset");
        await terminal.PressAsync("Enter");
        await terminal.WaitForAsync("conversation reset");
        await terminal.TypeAsync("again");
        await terminal.PressAsync("Enter");
        await terminal.WaitForAsync("Echo: again");
        await terminal.PressAsync("C-d");
        await terminal.WaitForAsync("[exit 0]");

        Assert.Contains("User: What is AI?", history);
        Assert.Equal([("system", "sys"), ("user", "again")], server.Requests[^1].Messages);
    }

    [Fact]
    public async Task Chat_InTerminal_CtrlCMidAnswerKeepsPartialThenCtrlCAtPromptExits130()
    {
        await using var server = await LoopbackServer.StartAsync();
        var slow = string.Concat(Enumerable.Repeat("slow words ", 60));
        server.Enqueue(ScriptedResponse.Text(slow).WithChunkDelay(TimeSpan.FromMilliseconds(150)));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var terminal = await parley.StartInTerminalAsync("chat");
        await terminal.WaitForAsync("/help for commands");

        await terminal.TypeAsync("tell me slowly");
        await terminal.PressAsync("Enter");
        await terminal.WaitForAsync("slow words slow words");
        await terminal.PressAsync("C-c");
        await terminal.WaitForAsync("answer interrupted (kept in the conversation)");
        await terminal.TypeAsync("next");
        await terminal.PressAsync("Enter");
        await terminal.WaitForAsync("Echo: next");
        await terminal.PressAsync("C-c");
        var screen = await terminal.WaitForAsync("[exit 130]");

        var second = server.Requests[^1].Messages;
        Assert.Equal("assistant", second[^2].Role);
        Assert.StartsWith("slow words", second[^2].Content);
        Assert.True(second[^2].Content.Length < slow.Length);
        Assert.Contains("interrupted", screen);
    }

    [Fact]
    public async Task Chat_InTerminal_UpArrowRecallsInputFromPreviousSession()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using (var first = await parley.StartInTerminalAsync("chat"))
        {
            await first.WaitForAsync("/help for commands");
            await first.TypeAsync("remember this line");
            await first.PressAsync("Enter");
            await first.WaitForAsync("Echo: remember this line");
            await first.PressAsync("C-d");
            await first.WaitForAsync("[exit 0]");
        }

        using var second = await parley.StartInTerminalAsync("chat");
        await second.WaitForAsync("/help for commands");
        await second.PressAsync("Up");
        await second.PressAsync("End");
        await second.TypeAsync(" again");
        await second.PressAsync("Enter");
        await second.WaitForAsync("Echo: remember this line again");
    }

    private static string[] Split(string text, int size) =>
        Enumerable.Range(0, (text.Length + size - 1) / size).Select(i => text.Substring(i * size, Math.Min(size, text.Length - i * size))).ToArray();
}
