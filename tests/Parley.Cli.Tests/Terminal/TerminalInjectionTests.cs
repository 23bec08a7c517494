using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// A hostile answer (or server error) in a real terminal (tmux): its escape sequences must not change the window
/// title, clear the screen, write the clipboard or hide text — in one-shot and in <c>parley chat</c>, with or
/// without <c>NO_COLOR</c>.
/// </summary>
public class TerminalInjectionTests
{
    private const string Hostile =
        "before-clear \u001b]0;PWNED-TITLE\u0007 \u001b]52;c;UFdORUQtQ0xJUA==\u0007 \u001b[2J after-clear \u001b[8m hidden-text \u001b[0m end-of-answer";

    private static readonly (string Name, string Value)[] ClipboardOn = [("set-clipboard", "on")];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OneShot_InTerminal_HostileAnswer_DoesNotControlTheTerminal(bool noColor)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text(Hostile).WithChunks(Hostile[..20], Hostile[20..60], Hostile[60..]));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("NO_COLOR", noColor ? "1" : null);
        using var terminal = await parley.StartInTerminalWithOptionsAsync(ClipboardOn, "hello");

        var screen = await terminal.WaitForAsync("[exit 0]");

        await AssertTerminalUntouchedAsync(terminal, screen);
    }

    [Fact]
    public async Task Chat_InTerminal_HostileAnswer_DoesNotControlTheTerminal()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text(Hostile).WithChunks(Hostile[..20], Hostile[20..60], Hostile[60..]));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var terminal = await parley.StartInTerminalWithOptionsAsync(ClipboardOn, "chat");
        await terminal.WaitForAsync("/help for commands");

        await terminal.TypeAsync("hello");
        await terminal.PressAsync("Enter");
        await terminal.WaitForAsync("end-of-answer");
        await terminal.TypeAsync("/history");
        await terminal.PressAsync("Enter");
        var screen = await terminal.WaitForAsync("Assistant: before-clear");

        await AssertTerminalUntouchedAsync(terminal, screen);
    }

    [Fact]
    public async Task OneShot_InTerminal_HostileServerError_DoesNotControlTheTerminal()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(400, Hostile));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var terminal = await parley.StartInTerminalWithOptionsAsync(ClipboardOn, "hello");

        var screen = await terminal.WaitForAsync("[exit 1]");

        await AssertTerminalUntouchedAsync(terminal, screen);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("list")]
    [InlineData("search")]
    public async Task History_InTerminal_HostileSavedConversation_DoesNotControlTheTerminal(string view)
    {
        using var parley = new ParleyProcess();
        var id = await ParleyDatabase.AddConversationAsync(parley, "before-clear hidden-text \u001b]0;PWNED-TITLE\u0007\u001b[8m hostile \u001b]52;c;UFdORUQ=\u0007\u001b[2J", Hostile);
        string[] args = view switch
        {
            "show" => ["history", "show", id],
            "list" => ["history"],
            _ => ["history", "search", "hostile"],
        };
        using var terminal = await parley.StartInTerminalWithOptionsAsync(ClipboardOn, args);

        var screen = await terminal.WaitForAsync("[exit 0]");

        await AssertTerminalUntouchedAsync(terminal, screen);
    }

    private static async Task AssertTerminalUntouchedAsync(TmuxSession terminal, string screen)
    {
        Assert.Contains("before-clear", screen);
        Assert.Contains("hidden-text", screen);
        Assert.DoesNotContain("PWNED-TITLE", await terminal.TitleAsync());
        Assert.Equal(string.Empty, await terminal.BuffersAsync());
        Assert.DoesNotContain("\u001b[8m", await terminal.StyledScreenAsync());
    }
}
