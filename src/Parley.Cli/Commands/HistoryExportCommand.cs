using System.CommandLine;

namespace Parley.Cli;

/// <summary>
/// <c>parley history export ID [--format md|json] [-o FILE]</c>: a readable Markdown transcript, or JSON (the OpenAI
/// messages array plus each turn's usage) that <c>parley history import</c> reads back.
/// </summary>
internal sealed class HistoryExportCommand
{
    private readonly CliServices _services;

    public HistoryExportCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var id = HistoryCommand.IdArgument();
        var format = new Option<string?>("--format", "-f")
        {
            Description = "md (a readable transcript) or json (messages array + usage per turn); default: from -o's extension, else md",
            HelpName = "md|json",
        };
        OptionValues.OneOf(format, "md", "json");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout", HelpName = "FILE" };
        var command = new Command("export", "Export a saved conversation as Markdown or JSON") { id, format, output };
        command.SetAction((parse, ct) => new HistoryExportCommand(services()).RunAsync(parse.GetValue(id)!, parse.GetValue(format), parse.GetValue(output), ct));
        return command;
    }

    public async Task<int> RunAsync(string idOrPrefix, string? format, string? outputFile, CancellationToken cancellationToken)
    {
        var json = (format ?? (outputFile is not null && outputFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "json" : "md")) == "json";
        string? target = null;
        if (outputFile is not null)
        {
            target = Path.GetFullPath(outputFile);
            ExportFile.RefuseDatabase(target, _services.Paths.DatabaseFile, $"-o {outputFile}");
        }

        await using var store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        var id = await ConversationIds.ResolveAsync(store, idOrPrefix, cancellationToken).ConfigureAwait(false);
        var conversation = await store.LoadAsync(id, cancellationToken).ConfigureAwait(false);
        var text = json ? ConversationExport.ToJson(conversation) + "\n" : ConversationExport.ToMarkdown(conversation);
        if (target is null)
        {
            await _services.Interaction.WriteOutputLineAsync(text.TrimEnd('\n')).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        try
        {
            await ExportFile.WriteAsync(target, text, _services.Paths.DatabaseFile, $"-o {outputFile}", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _services.Interaction.Error($"cannot write {target}: {e.Message}");
            return ExitCodes.RuntimeError;
        }

        _services.Interaction.Note($"wrote {(json ? "JSON" : "Markdown")} of conversation {id} to {target}");
        return ExitCodes.Ok;
    }
}
