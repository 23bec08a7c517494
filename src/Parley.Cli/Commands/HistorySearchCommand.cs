using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley history search TEXT [-n N] [--json]</c>: conversations whose messages contain the text (any language).</summary>
internal sealed class HistorySearchCommand
{
    private readonly CliServices _services;

    public HistorySearchCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var text = new Argument<string[]>("text")
        {
            Description = "What to find (words are joined; every word must occur in the same message; case does not matter)",
            Arity = ArgumentArity.OneOrMore,
            HelpName = "TEXT",
        };
        var limit = new Option<int>("--limit", "-n")
        {
            Description = $"How many conversations to show (default {HistoryListCommand.DefaultLimit})",
            HelpName = "N",
            DefaultValueFactory = _ => HistoryListCommand.DefaultLimit,
        };
        OptionValues.Whole(limit, 1, int.MaxValue, "a whole number of 1 or more");
        var json = new Option<bool>("--json") { Description = "Print a JSON array of hits (full ids)" };
        var command = new Command("search", "Find saved conversations by text (full-text trigram index: works for Chinese, Japanese, …)") { text, limit, json };
        command.SetAction((parse, ct) => new HistorySearchCommand(services()).RunAsync(string.Join(' ', parse.GetValue(text) ?? []), parse.GetValue(limit), parse.GetValue(json), ct));
        return command;
    }

    public async Task<int> RunAsync(string text, int limit, bool json, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliUsageException("give the text to search for: parley history search TEXT");
        }

        if (limit < 1)
        {
            throw new CliUsageException("-n must be 1 or more");
        }

        var ui = _services.Interaction;
        await using var store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        var hits = await store.SearchAsync(text, limit, cancellationToken).ConfigureAwait(false);
        if (json)
        {
            await ui.WriteOutputLineAsync(HistoryJson.Search(hits)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var shortIds = await HistoryCommand.ShortIdsAsync(store, cancellationToken).ConfigureAwait(false);
        if (!ui.AnswerIsTerminal)
        {
            foreach (var line in SearchHitView.Lines(hits, shortIds))
            {
                await ui.WriteOutputLineAsync(line).ConfigureAwait(false);
            }
        }
        else if (hits.Count == 0)
        {
            ui.Note($"no saved conversation contains \"{text}\"");
        }
        else
        {
            await ui.WriteRenderableAsync(SearchHitView.Table(hits, shortIds)).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
