using Spectre.Console;
using Spectre.Console.Testing;

namespace Parley.Cli.Tests.Terminal;

/// <summary>Reasoning goes to stderr dimmed (SGR 2) where stderr takes styles, plain where it does not, and its line ends before the answer.</summary>
public class ReasoningOutputTests
{
    [Fact]
    public async Task WriteReasoning_AnsiStderr_DimmedAndEndedBeforeTheAnswer()
    {
        var status = new TestConsole().Colors(ColorSystem.TrueColor).SupportsAnsi(true);
        using var answer = new StringWriter();
        var ui = new ConsoleInteraction(answer, status, answerIsTerminal: false);

        ui.WriteReasoning("Thinking ");
        ui.WriteReasoning("hard.");
        await ui.WriteAnswerAsync("Hi!", CancellationToken.None);

        Assert.Equal("\u001b[2mThinking \u001b[22m\u001b[2mhard.\u001b[22m\n", status.Output);
        Assert.Equal("Hi!", answer.ToString());
    }

    [Fact]
    public void WriteReasoning_PlainStderr_NoEscapes()
    {
        var status = new TestConsole().Colors(ColorSystem.NoColors).SupportsAnsi(false);
        using var answer = new StringWriter();
        var ui = new ConsoleInteraction(answer, status, answerIsTerminal: false);

        ui.WriteReasoning("Thinking \u001b[31mred");
        ui.Note("done");

        Assert.DoesNotContain("\u001b", status.Output, StringComparison.Ordinal);
        Assert.StartsWith("Thinking ", status.Output, StringComparison.Ordinal);
        Assert.EndsWith("\ndone\n", status.Output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
