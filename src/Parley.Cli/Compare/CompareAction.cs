namespace Parley.Cli;

/// <summary>
/// Runs <c>parley compare</c>: validates the request, resolves every model (a key is needed for each hosted one),
/// describes it (context window from the catalog, or from Ollama's <c>/api/show</c>), measures the answers with
/// <see cref="ModelComparer"/>, and prints the table (or JSON / CSV), the local-vs-hosted table and the chart.
/// Exit 1 when a model never answered.
/// </summary>
internal sealed class CompareAction
{
    private readonly CliServices _services;
    private readonly TimeProvider _time;

    public CompareAction(CliServices services, TimeProvider? time = null)
    {
        _services = services;
        _time = time ?? TimeProvider.System;
    }

    public async Task<int> RunAsync(CompareRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        var stdin = await PromptReader.ReadStandardInputAsync(cancellationToken).ConfigureAwait(false);
        var prompt = PromptReader.Combine(stdin, request.Words);
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new CliUsageException("empty prompt: give it as an argument (parley compare -m A -m B \"Tell me a joke\") or on standard input");
        }

        var resolver = await _services.CreateResolverAsync(cancellationToken).ConfigureAwait(false);
        var catalog = await _services.LoadCatalogAsync(cancellationToken).ConfigureAwait(false);
        var providers = request.Models.Select(m => resolver.Resolve(new ConnectionOverrides { Model = m })).ToList();
        var targets = new List<CompareTarget>();
        for (var i = 0; i < providers.Count; i++)
        {
            var target = await DescribeAsync(request.Models[i], providers[i], catalog, request.Reliability, cancellationToken).ConfigureAwait(false);
            targets.Add(target with { Attachments = await AttachmentReader.ReadAllAsync(request.Attachments, target.Model.Info, cancellationToken).ConfigureAwait(false) });
        }

        var ui = _services.Interaction;
        ui.Note($"comparing {targets.Count} models, {Wording.Count(request.Runs, "run")} each, {(request.Sequential ? "one at a time" : "all at once")}");
        var comparer = new ModelComparer(_time, _services.TokenCounter, ApiErrorDescriber.Describe);
        IReadOnlyList<ComparisonResult> results;
        try
        {
            results = await comparer.RunAsync(targets, prompt, request.SystemPrompt, request.Generation, request.Runs, request.Sequential, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Client?.Dispose();
            }
        }

        if (request.Json)
        {
            await ui.WriteOutputLineAsync(ComparisonReport.Json(results, request.LocalHostedTable)).ConfigureAwait(false);
        }
        else if (request.Csv)
        {
            await ui.WriteOutputLineAsync(ComparisonReport.Csv(results, request.LocalHostedTable)).ConfigureAwait(false);
        }
        else
        {
            await ui.WriteOutputLineAsync(PlainTable.Render(ComparisonReport.Table(results))).ConfigureAwait(false);
            if (request.LocalHostedTable)
            {
                await ui.WriteOutputLineAsync(string.Empty).ConfigureAwait(false);
                await ui.WriteOutputLineAsync(PlainTable.Render(LocalHostedTable.Build(results))).ConfigureAwait(false);
            }
        }

        foreach (var failed in results.Where(r => r.Errors.Count > 0))
        {
            foreach (var error in failed.Errors.Distinct(StringComparer.Ordinal))
            {
                if (failed.Succeeded)
                {
                    ui.Warn($"{failed.Model.Label}: {error}");
                }
                else
                {
                    ui.Error($"{failed.Model.Label}: {error}");
                }
            }
        }

        if (request.ChartPath is { } chart)
        {
            ComparisonChart.Save(results, chart);
            ui.Note($"chart written to {chart}");
        }

        return results.All(r => r.Succeeded) ? ExitCodes.Ok : ExitCodes.RuntimeError;
    }

    private static void Validate(CompareRequest request)
    {
        if (request.Models.Count == 0)
        {
            throw new CliUsageException("name the models to compare with -m (repeat it: -m gpt-4o-mini -m ollama:llama3.2)");
        }

        if (request.Runs < 1)
        {
            throw new CliUsageException($"--runs must be at least 1 (got {request.Runs})");
        }

        if (request.Json && request.Csv)
        {
            throw new CliUsageException("--json and --csv cannot be combined: choose one output format");
        }

        if (request.ChartPath is { } chart && !ComparisonChart.Extensions.Contains(Path.GetExtension(chart).ToLowerInvariant()))
        {
            throw new CliUsageException($"--chart {chart}: the file must end in .png or .svg");
        }

        var duplicate = request.Models.GroupBy(m => m, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CliUsageException($"-m {duplicate.Key} is given twice: use --runs to ask a model more than once");
        }
    }

    private async Task<CompareTarget> DescribeAsync(
        string label, ResolvedProvider provider, ModelCatalog catalog, ReliabilitySettings reliability, CancellationToken cancellationToken)
    {
        var modelCatalog = ChatClientFactory.CatalogFor(provider, catalog);
        var info = modelCatalog.Resolve(provider.Model);
        if (provider.Kind != ProviderKind.Ollama)
        {
            if (UnknownModelNotice.For(modelCatalog, provider.Model) is { } unknownModel)
            {
                _services.Interaction.WarnOnce(unknownModel);
            }

            var source = provider.Kind == ProviderKind.Gguf ? "GGUF metadata" : info.ContextWindow is null ? "unknown" : "catalog";
            var described = new ComparedModel(label, provider, info, modelCatalog, null, source);
            return new CompareTarget(described, CliChatClients.Create(provider, reliability, _services.Interaction, modelCatalog, _services.TokenCounter));
        }

        using var ollama = new OllamaModelCatalog(provider.BaseUrl, connectTimeout: reliability.ConnectTimeout);
        try
        {
            var installed = await ollama.ShowAsync(provider.Model, cancellationToken).ConfigureAwait(false);
            var local = new ComparedModel(
                label,
                provider,
                info with { ContextWindow = installed.ContextLength ?? info.ContextWindow },
                modelCatalog,
                installed,
                installed.ContextLength is null ? (info.ContextWindow is null ? "unknown" : "catalog") : "Ollama /api/show");
            return new CompareTarget(local, CliChatClients.Create(provider, reliability, _services.Interaction, modelCatalog, _services.TokenCounter));
        }
        catch (ParleyApiException e)
        {
            return new CompareTarget(new ComparedModel(label, provider, info, modelCatalog, null, "unknown"), null, ApiErrorDescriber.Describe(e, provider));
        }
    }
}
