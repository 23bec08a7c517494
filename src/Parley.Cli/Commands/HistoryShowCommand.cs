using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley history show ID [--json]</c>: a saved conversation as <c>Role: text</c> blocks with each turn's usage.</summary>
internal sealed class HistoryShowCommand
{
    private readonly CliServices _services;

    public HistoryShowCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var id = HistoryCommand.IdArgument();
        var json = new Option<bool>("--json") { Description = "Print JSON: settings, the OpenAI messages array, and every turn with its usage and cost" };
        var command = new Command("show", "Print a saved conversation with each turn's tokens and cost") { id, json };
        command.SetAction((parse, ct) => new HistoryShowCommand(services()).RunAsync(parse.GetValue(id)!, parse.GetValue(json), ct));
        return command;
    }

    public async Task<int> RunAsync(string idOrPrefix, bool json, CancellationToken cancellationToken)
    {
        await using var store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        var id = await ConversationIds.ResolveAsync(store, idOrPrefix, cancellationToken).ConfigureAwait(false);
        var conversation = await store.LoadAsync(id, cancellationToken).ConfigureAwait(false);
        var text = json ? ConversationExport.ToJson(conversation) : ConversationExport.ToText(conversation).TrimEnd('\n');
        await _services.Interaction.WriteOutputLineAsync(text).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
