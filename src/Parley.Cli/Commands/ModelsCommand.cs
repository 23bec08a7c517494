using System.CommandLine;

namespace Parley.Cli;

/// <summary>What <c>parley models</c> was asked to do.</summary>
internal sealed record ModelsRequest(bool Json, string? Provider = null, string? Model = null);

/// <summary>
/// <c>parley models [--json]</c>: the model catalog (built-in plus the config file's <c>models</c>) as a table on stdout,
/// or as JSON with every field, source and price date.
/// </summary>
internal sealed class ModelsCommand
{
    private readonly CliServices _services;

    public ModelsCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("models", "List the models Parley knows: context window, max output, tokenizer and prices");
        var json = new Option<bool>("--json") { Description = "Print the catalog as JSON (every field, with the price source and date)" };
        var provider = new Option<string?>("--provider") { Description = "List the models a provider has installed (an Ollama provider: size, family, quantization, context)", HelpName = "NAME" };
        var model = new Option<string?>("--model", "-m") { Description = "With an Ollama provider: describe one installed model (provider:model works)", HelpName = "MODEL" };
        command.Add(json);
        command.Add(provider);
        command.Add(model);
        command.SetAction(async (parse, ct) =>
            await new ModelsCommand(services()).RunAsync(new ModelsRequest(parse.GetValue(json), parse.GetValue(provider), parse.GetValue(model)), ct).ConfigureAwait(false));
        return command;
    }

    public async Task<int> RunAsync(ModelsRequest request, CancellationToken cancellationToken)
    {
        var ui = _services.Interaction;
        if (request.Provider is not null || request.Model is not null)
        {
            var resolver = await _services.CreateResolverAsync(cancellationToken).ConfigureAwait(false);
            var resolved = resolver.Resolve(new ConnectionOverrides { Provider = request.Provider, Model = request.Model }, requireKey: false);
            if (resolved.Kind == ProviderKind.Ollama)
            {
                return await new OllamaModelsLister(_services).RunAsync(resolved, request.Model is null ? null : resolved.Model, request.Json, cancellationToken).ConfigureAwait(false);
            }
        }

        // The rows come from the catalog. Another source of ModelInfo rows (a server's installed models, e.g.
        // `--provider ollama`) plugs in here; the table and JSON writers take any list.
        IReadOnlyList<ModelInfo> models = (await _services.LoadCatalogAsync(cancellationToken).ConfigureAwait(false)).Models;

        if (request.Json)
        {
            await ui.WriteOutputLineAsync(ModelJsonWriter.Write(models)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        foreach (var line in ModelTableFormatter.Format(models))
        {
            await ui.WriteOutputLineAsync(line).ConfigureAwait(false);
        }

        ui.Note(ModelTableFormatter.Legend);
        return ExitCodes.Ok;
    }
}
