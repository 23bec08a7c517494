using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley history [-n N] [--json]</c>: saved conversations, most recently updated first.</summary>
internal sealed class HistoryListCommand
{
    public const int DefaultLimit = 20;

    private readonly CliServices _services;

    public HistoryListCommand(CliServices services) => _services = services;

    public static void Configure(Command history, Func<CliServices> services)
    {
        var limit = new Option<int>("--limit", "-n")
        {
            Description = $"How many conversations to list (default {DefaultLimit}; 0 lists all)",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultLimit,
        };
        var json = new Option<bool>("--json") { Description = "Print a JSON array (full ids, numbers, ISO 8601 UTC times)" };
        OptionValues.Whole(limit, 0, int.MaxValue, "a whole number: 0 (all) or more");
        history.Add(limit);
        history.Add(json);
        history.SetAction((parse, ct) => new HistoryListCommand(services()).RunAsync(parse.GetValue(limit), parse.GetValue(json), ct));
    }

    public async Task<int> RunAsync(int limit, bool json, CancellationToken cancellationToken)
    {
        if (limit < 0)
        {
            throw new CliUsageException("-n must be 0 (all) or more");
        }

        var ui = _services.Interaction;
        await using var store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        var all = await store.ListAsync(null, cancellationToken).ConfigureAwait(false);
        var shown = limit == 0 ? all : all.Take(limit).ToArray();
        if (json)
        {
            await ui.WriteOutputLineAsync(HistoryJson.List(shown)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var shortIds = ShortIds.Compute(all.Select(c => c.Id));
        if (!ui.AnswerIsTerminal)
        {
            foreach (var line in ConversationListView.Lines(shown, shortIds))
            {
                await ui.WriteOutputLineAsync(line).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }

        if (all.Count == 0)
        {
            ui.Note("no saved conversations yet");
            return ExitCodes.Ok;
        }

        await ui.WriteRenderableAsync(ConversationListView.Table(shown, shortIds)).ConfigureAwait(false);
        if (shown.Count < all.Count)
        {
            ui.Note($"{shown.Count} of {all.Count} conversations (-n 0 lists all)");
        }

        return ExitCodes.Ok;
    }
}
