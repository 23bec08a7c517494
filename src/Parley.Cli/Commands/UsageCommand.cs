using System.CommandLine;
using System.Globalization;

namespace Parley.Cli;

/// <summary><c>parley usage [--since YYYY-MM-DD] [-n N] [--json]</c>: tokens and cost of every saved turn, by day, model and conversation.</summary>
internal sealed class UsageCommand
{
    private readonly CliServices _services;

    public UsageCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var since = new Option<string?>("--since") { Description = "Only turns from this local day on", HelpName = "YYYY-MM-DD" };
        var limit = new Option<int>("--limit", "-n")
        {
            Description = $"How many conversations to list, most expensive first (default {HistoryListCommand.DefaultLimit}; 0 lists all)",
            HelpName = "N",
            DefaultValueFactory = _ => HistoryListCommand.DefaultLimit,
        };
        OptionValues.Whole(limit, 0, int.MaxValue, "a whole number: 0 (all) or more");
        var json = new Option<bool>("--json") { Description = "Print JSON: total, by_day, by_model, by_conversation" };
        var command = new Command("usage", "Tokens and cost of saved conversations by day, by model and by conversation") { since, limit, json };
        command.SetAction((parse, ct) => new UsageCommand(services()).RunAsync(parse.GetValue(since), parse.GetValue(limit), parse.GetValue(json), ct));
        return command;
    }

    public async Task<int> RunAsync(string? since, int limit, bool json, CancellationToken cancellationToken)
    {
        DateOnly? first = null;
        if (since is not null)
        {
            if (!DateOnly.TryParseExact(since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                throw new CliUsageException($"--since '{since}' is not a date: use YYYY-MM-DD, for example --since {DateTime.Now.ToString("yyyy-MM-01", CultureInfo.InvariantCulture)}");
            }

            first = day;
        }

        if (limit < 0)
        {
            throw new CliUsageException("-n must be 0 (all) or more");
        }

        var ui = _services.Interaction;
        await using var store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        var report = await store.GetUsageReportAsync(first, cancellationToken).ConfigureAwait(false);
        var conversations = limit == 0 ? report.ByConversation : report.ByConversation.Take(limit).ToArray();
        if (json)
        {
            await ui.WriteOutputLineAsync(UsageReportJson.Write(report, conversations)).ConfigureAwait(false);
        }
        else if (!ui.AnswerIsTerminal)
        {
            foreach (var line in UsageReportView.Lines(report, conversations))
            {
                await ui.WriteOutputLineAsync(line).ConfigureAwait(false);
            }
        }
        else
        {
            var shortIds = await HistoryCommand.ShortIdsAsync(store, cancellationToken).ConfigureAwait(false);
            await ui.WriteRenderableAsync(UsageReportView.Render(report, conversations, shortIds)).ConfigureAwait(false);
            if (conversations.Count < report.ByConversation.Count)
            {
                ui.Note($"{conversations.Count} of {report.ByConversation.Count} conversations (-n 0 lists all)");
            }
        }

        return ExitCodes.Ok;
    }
}
