using System.CommandLine;

namespace Parley.Cli;

/// <summary>
/// The hook for <c>parley models --provider ollama [-m MODEL] [--json]</c> until the catalog's <c>parley models</c>
/// command lands: it resolves the provider and hands Ollama providers to <see cref="OllamaModelsLister"/>.
/// At merge, the catalog command calls <see cref="OllamaModelsLister.RunAsync"/> for providers of kind Ollama and
/// this file goes away.
/// </summary>
internal static class OllamaModelsCommand
{
    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("models", "List the models installed in Ollama (--provider ollama), or describe one (-m ollama:MODEL)");
        var provider = new Option<string?>("--provider") { Description = "Provider name (an Ollama provider, e.g. ollama)", HelpName = "NAME" };
        var model = new Option<string?>("--model", "-m") { Description = "Describe one model (provider:model, e.g. ollama:llama3.2)", HelpName = "MODEL" };
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        command.Add(provider);
        command.Add(model);
        command.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var s = services();
            var resolver = await s.CreateResolverAsync(ct).ConfigureAwait(false);
            var requested = parse.GetValue(model);
            var resolved = resolver.Resolve(new ConnectionOverrides { Provider = parse.GetValue(provider), Model = requested }, requireKey: false);
            if (resolved.Kind != ProviderKind.Ollama)
            {
                throw new CliUsageException($"provider '{resolved.Name}' is not an Ollama server: use --provider ollama (or a provider of kind ollama)");
            }

            return await new OllamaModelsLister(s).RunAsync(resolved, requested is null ? null : resolved.Model, parse.GetValue(json), ct).ConfigureAwait(false);
        });
        return command;
    }
}
