using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Parley.Cli;

/// <summary>
/// <c>parley models --provider ollama</c>: the models installed in Ollama (<c>/api/tags</c>) with size, family,
/// parameters, quantization and context length (<c>/api/show</c>), newest first; with a model, that model alone,
/// or "model X is not installed: run `ollama pull X`" (exit 1).
/// </summary>
internal sealed class OllamaModelsLister
{
    private readonly CliServices _services;

    public OllamaModelsLister(CliServices services) => _services = services;

    /// <param name="provider">A provider of kind <see cref="ProviderKind.Ollama"/>.</param>
    /// <param name="model">One model to describe, or null for all installed models.</param>
    /// <param name="json">Print a JSON array instead of a table.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task<int> RunAsync(ResolvedProvider provider, string? model, bool json, CancellationToken cancellationToken)
    {
        using var catalog = new OllamaModelCatalog(provider.BaseUrl);
        List<OllamaInstalledModel> rows;
        try
        {
            var installed = await catalog.ListAsync(cancellationToken).ConfigureAwait(false);
            if (model is not null)
            {
                var shown = await catalog.ShowAsync(model, cancellationToken).ConfigureAwait(false);
                var tag = installed.FirstOrDefault(m => SameModel(m.Name, model));
                rows = [tag is null ? shown : tag with { ContextLength = shown.ContextLength, Family = shown.Family ?? tag.Family }];
            }
            else
            {
                rows = [];
                foreach (var entry in installed)
                {
                    var shown = await catalog.ShowAsync(entry.Name, cancellationToken).ConfigureAwait(false);
                    rows.Add(entry with { ContextLength = shown.ContextLength });
                }
            }
        }
        catch (ParleyApiException e)
        {
            _services.ReportApiError(e, provider);
            return ExitCodes.RuntimeError;
        }

        var ui = _services.Interaction;
        if (json)
        {
            var array = new JsonArray(rows.Select(ToJson).ToArray());
            await ui.WriteOutputLineAsync(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        if (rows.Count == 0)
        {
            ui.Note($"Ollama at {provider.BaseUrl.GetLeftPart(UriPartial.Authority)} has no models: run `ollama pull {BuiltInProviders.DefaultOllamaModel}`");
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in new[] { "NAME", "SIZE", "FAMILY", "PARAMETERS", "QUANTIZATION", "CONTEXT", "MODIFIED" })
        {
            table.AddColumn(new TableColumn(header) { Alignment = header is "SIZE" or "CONTEXT" ? Justify.Right : Justify.Left });
        }

        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Name),
                FormatSize(row.SizeBytes),
                Markup.Escape(row.Family ?? "?"),
                Markup.Escape(row.ParameterSize ?? "?"),
                Markup.Escape(row.Quantization ?? "?"),
                row.ContextLength?.ToString("#,0", CultureInfo.InvariantCulture) ?? "?",
                row.ModifiedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "?");
        }

        await ui.WriteOutputLineAsync(PlainTable.Render(table)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>Bytes as Ollama's CLI shows them (decimal units): <c>2.0 GB</c>, <c>522 MB</c>.</summary>
    public static string FormatSize(long bytes) => bytes switch
    {
        <= 0 => "?",
        >= 1_000_000_000 => (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        >= 1_000_000 => (bytes / 1e6).ToString("0", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1e3).ToString("0", CultureInfo.InvariantCulture) + " KB",
    };

    private static JsonNode ToJson(OllamaInstalledModel model) => new JsonObject
    {
        ["name"] = model.Name,
        ["size_bytes"] = model.SizeBytes > 0 ? model.SizeBytes : null,
        ["family"] = model.Family,
        ["parameter_size"] = model.ParameterSize,
        ["quantization"] = model.Quantization,
        ["context_length"] = model.ContextLength,
        ["modified_at"] = model.ModifiedAt?.ToString("O", CultureInfo.InvariantCulture),
    };

    private static bool SameModel(string installed, string requested) =>
        string.Equals(installed, requested, StringComparison.OrdinalIgnoreCase)
        || string.Equals(installed, requested + ":latest", StringComparison.OrdinalIgnoreCase);
}
