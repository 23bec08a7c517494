using System.Text;
using Spectre.Console;

namespace Parley.Cli;

/// <summary>The interactive pieces of the REPL: prompt and line editor, spinner, Markdown rendering.</summary>
internal static class TerminalReplFactory
{
    public static async Task<IReplInput> CreateInputAsync(CliServices services, CancellationToken cancellationToken)
    {
        InputHistory history;
        try
        {
            services.Paths.CreateDataDirectory();
            history = await InputHistory.LoadAsync(Path.Combine(services.Paths.DataDirectory, "history.txt"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            services.Interaction.Warn($"input history is off: {e.Message}");
            history = new InputHistory();
        }

        return new TerminalReplInput(LineEditor.ForConsole(history), history, color: !NoColor);
    }

    public static IAnswerPresenter CreatePresenter(CliServices services)
    {
        var stdout = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true }),
            Ansi = AnsiSupport.Detect,
            ColorSystem = NoColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Detect,
        });
        return new MarkdownAnswerPresenter(stdout, Console.Error, services.Interaction);
    }

    public static void Greet(CliServices services, BuiltSession built)
    {
        var saved = built.Session.ConversationId is { } id ? $" · continuing {id[..8]}" : string.Empty;
        services.Interaction.Note($"parley chat · {built.Provider.Model} via {built.Provider.Name}{saved} · /help for commands, Ctrl+D to leave");
    }

    private static bool NoColor => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
