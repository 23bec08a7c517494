using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley history [path | show | search | rm | export | import]</c>: the saved conversations.</summary>
internal static class HistoryCommand
{
    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("history", "List saved conversations, newest first (subcommands show, search, rm, export, import, path)");
        HistoryListCommand.Configure(command, services);

        var path = new Command("path", "Print the conversation database's path (or its PostgreSQL server, without the password)");
        path.SetAction(async (_, ct) =>
        {
            var s = services();
            await s.Interaction.WriteOutputLineAsync(s.DatabaseLocation).ConfigureAwait(false);
            return ExitCodes.Ok;
        });

        command.Add(path);
        command.Add(HistoryShowCommand.Create(services));
        command.Add(HistorySearchCommand.Create(services));
        command.Add(HistoryRemoveCommand.Create(services));
        command.Add(HistoryExportCommand.Create(services));
        command.Add(HistoryImportCommand.Create(services));
        return command;
    }

    /// <summary>The <c>ID</c> argument: a full conversation id or a unique prefix of 4+ characters.</summary>
    public static Argument<string> IdArgument() => new("id")
    {
        Description = "The conversation's id, or a unique prefix of 4+ characters (parley history lists them)",
        HelpName = "ID",
    };

    /// <summary>Short ids (8+ characters, unique among all saved conversations) for display.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ShortIdsAsync(IConversationHistory store, CancellationToken cancellationToken)
    {
        var all = await store.ListAsync(null, cancellationToken).ConfigureAwait(false);
        return ShortIds.Compute(all.Select(c => c.Id));
    }
}
