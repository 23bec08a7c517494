using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley history rm ID</c>: deletes a saved conversation at once (no question asked) and says what went.</summary>
internal sealed class HistoryRemoveCommand
{
    private readonly CliServices _services;

    public HistoryRemoveCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var id = HistoryCommand.IdArgument();
        var command = new Command("rm", "Delete a saved conversation with its messages and turns (asks nothing)") { id };
        command.SetAction((parse, ct) => new HistoryRemoveCommand(services()).RunAsync(parse.GetValue(id)!, ct));
        return command;
    }

    public async Task<int> RunAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        await using var store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        var id = await ConversationIds.ResolveAsync(store, idOrPrefix, cancellationToken).ConfigureAwait(false);
        var stored = await store.LoadAsync(id, cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        var turns = stored.Turns.Count(t => !t.IsSummary);
        _services.Interaction.Note(
            $"removed conversation {id} \"{stored.Conversation.Title ?? "(untitled)"}\" ({Wording.Count(turns, "turn")}, {Wording.Count(stored.Messages.Count, "message")})");
        return ExitCodes.Ok;
    }
}
