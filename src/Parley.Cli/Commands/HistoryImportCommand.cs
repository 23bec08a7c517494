using System.CommandLine;

namespace Parley.Cli;

/// <summary>
/// <c>parley history import FILE</c>: saves an OpenAI messages array (or Parley's JSON export) as a new conversation and
/// prints its id, so <c>parley --cid ID</c> can continue it.
/// </summary>
internal sealed class HistoryImportCommand
{
    private readonly CliServices _services;

    public HistoryImportCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var file = new Argument<string>("file")
        {
            Description = "A JSON file: an OpenAI messages array, or Parley's JSON export ('-' reads standard input)",
            HelpName = "FILE",
        };
        var model = new Option<string?>("--model", "-m") { Description = "The model to record for the conversation (continuing it uses this model)", HelpName = "MODEL" };
        var title = new Option<string?>("--title") { Description = "The title (default: the export's title, else the first user message)", HelpName = "TEXT" };
        var command = new Command("import", "Save a messages JSON file as a new conversation; prints its id") { file, model, title };
        command.SetAction((parse, ct) => new HistoryImportCommand(services()).RunAsync(parse.GetValue(file)!, parse.GetValue(model), parse.GetValue(title), ct));
        return command;
    }

    public async Task<int> RunAsync(string file, string? model, string? title, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            json = file == "-"
                ? PromptReader.Decode(await InputReader.ReadStandardInputAsync(cancellationToken).ConfigureAwait(false))
                : await InputReader.ReadFileTextAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot read {file}: {e.Message}");
        }

        var imported = ImportedConversation.Parse(json, file == "-" ? "standard input" : file);
        var settings = imported.Conversation;
        if (model is not null || title is not null)
        {
            settings = new NewConversation
            {
                Title = title ?? settings.Title,
                Model = model ?? settings.Model,
                Provider = model is null ? settings.Provider : null,
                SystemPrompt = settings.SystemPrompt,
                ContextPolicy = settings.ContextPolicy,
            };
        }

        await using var store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        var created = await store.ImportAsync(settings, imported.Messages, cancellationToken).ConfigureAwait(false);
        var shortId = ShortIds.Of(await HistoryCommand.ShortIdsAsync(store, cancellationToken).ConfigureAwait(false), created.Id);
        await _services.Interaction.WriteOutputLineAsync(created.Id).ConfigureAwait(false);
        _services.Interaction.Note($"imported {Wording.Count(imported.Messages.Count, "message")} as \"{created.Title ?? "(untitled)"}\"; continue it with: parley chat --cid {shortId}");
        return ExitCodes.Ok;
    }
}
