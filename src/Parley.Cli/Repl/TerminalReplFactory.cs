namespace Parley.Cli;

/// <summary>The interactive pieces of the REPL (prompt, line editing, spinner, Markdown rendering).</summary>
internal static class TerminalReplFactory
{
    public static IReplInput CreateInput(CliServices services) => new PipedReplInput(Console.In);

    public static IAnswerPresenter CreatePresenter(CliServices services) => new PlainAnswerPresenter(services.Interaction);

    public static void Greet(CliServices services, ResolvedProvider provider) =>
        services.Interaction.Note($"parley chat · {provider.Model} via {provider.Name} · /help for commands, Ctrl+D to leave");
}
