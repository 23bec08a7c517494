using System.Globalization;
using Spectre.Console;

namespace Parley.Cli;

/// <summary>
/// The tutorial's "local LLM vs OpenAI API" table (setup, cost, privacy, performance, reliability, context window,
/// memory management) for the compared models. Every cell is derived from what was measured, the provider's kind
/// and address, and the catalog.
/// </summary>
internal static class LocalHostedTable
{
    /// <summary>The rows, in the tutorial's order.</summary>
    public static IReadOnlyList<string> Features { get; } = ["setup", "cost", "privacy", "performance", "reliability", "context window", "memory management"];

    /// <summary>The column header of a model: its label, and whether it runs locally or hosted.</summary>
    public static string Header(ComparisonResult result) => $"{result.Model.Label} ({(result.Model.IsLocal ? "local" : "hosted")})";

    /// <summary>One model's cells, keyed by feature.</summary>
    public static IReadOnlyDictionary<string, string> Cells(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["setup"] = Setup(result.Model),
            ["cost"] = Cost(result),
            ["privacy"] = Privacy(result.Model),
            ["performance"] = Performance(result),
            ["reliability"] = Reliability(result),
            ["context window"] = ContextWindow(result),
            ["memory management"] = Memory(result),
        };
    }

    /// <summary>The table: one row per feature, one column per model.</summary>
    public static Table Build(IReadOnlyList<ComparisonResult> results)
    {
        var table = new Table().Border(TableBorder.Markdown);
        table.AddColumn("feature");
        foreach (var result in results)
        {
            table.AddColumn(Markup.Escape(Header(result)));
        }

        var cells = results.Select(Cells).ToList();
        foreach (var feature in Features)
        {
            table.AddRow([Markup.Escape(feature), .. cells.Select(c => Markup.Escape(c[feature]))]);
        }

        return table;
    }

    private static string Setup(ComparedModel model)
    {
        var provider = model.Provider;
        if (provider.Kind == ProviderKind.Ollama)
        {
            var details = new[] { model.Installed?.ParameterSize, model.Installed?.Quantization }.Where(d => !string.IsNullOrEmpty(d));
            var what = string.Join(", ", details);
            return $"model pulled into Ollama at {Authority(provider.BaseUrl)}" + (what.Length > 0 ? $" ({what})" : string.Empty);
        }

        if (provider.Kind == ProviderKind.Gguf)
        {
            return "a GGUF file run in-process by llama.cpp, no server";
        }

        if (provider.ApiKey is not null)
        {
            return provider.ApiKeyVariable is { } variable ? $"an API key ({variable})" : "an API key (from the config)";
        }

        return $"a server at {Authority(provider.BaseUrl)}, no key";
    }

    private static string Cost(ComparisonResult result)
    {
        var info = result.Model.Info;
        if (info.InputPerMillion is not { } input || info.OutputPerMillion is not { } output)
        {
            return "unknown: no price in the catalog";
        }

        if (input == 0m && output == 0m)
        {
            return info.IsLocal ? "$0: no per-token price (your hardware and power)" : "$0: no per-token price";
        }

        var measured = result.CostUsd is { } cost ? $"{ComparisonReport.Cost(cost)} for this answer; " : string.Empty;
        return $"{measured}${Price(input)} in / ${Price(output)} out per 1M tokens";
    }

    private static string Privacy(ComparedModel model) => model.Provider.Kind == ProviderKind.Gguf ? "prompts never leave this process" : HostKinds.Of(model.Provider.BaseUrl) switch
    {
        HostKind.Loopback => $"prompts stay on this machine ({model.Provider.BaseUrl.Host})",
        HostKind.Network => $"prompts stay on your network ({model.Provider.BaseUrl.Host})",
        _ => $"prompts are sent to {model.Provider.BaseUrl.Host}",
    };

    private static string Performance(ComparisonResult result)
    {
        if (!result.Succeeded)
        {
            return "not measured (no answer)";
        }

        var parts = new List<string>();
        if (result.OutputTokensPerSecond is { } speed)
        {
            parts.Add($"{speed.ToString("0", CultureInfo.InvariantCulture)} tok/s");
        }

        if (result.TimeToFirstToken is { } first)
        {
            parts.Add($"first token {Duration(first)}");
        }

        if (result.LoadTime is { } load)
        {
            parts.Add($"model load {Duration(load)}");
        }

        var where = result.Model.IsLocal ? "on this hardware" : $"on {result.Model.Provider.BaseUrl.Host}'s servers";
        return $"{string.Join(", ", parts)} {where}".Trim();
    }

    private static string Reliability(ComparisonResult result)
    {
        var answered = $"{result.Turns.Count}/{result.Runs} runs answered";
        return result.Model.Provider.Kind == ProviderKind.Gguf ? $"{answered}; no server: the file and this machine's memory"
            : result.Model.IsLocal
            ? $"{answered}; depends on the server at {Authority(result.Model.Provider.BaseUrl)} running"
            : $"{answered}; hosted service ({result.Model.Provider.BaseUrl.Host})";
    }

    private static string ContextWindow(ComparisonResult result)
    {
        var window = result.ContextWindow is { } w ? $"{Count(w)} tokens ({result.Model.WindowSource})" : "unknown";
        return result.NumCtx is { } numCtx ? $"{window}; num_ctx {Count(numCtx)} used" : window;
    }

    private static string Memory(ComparisonResult result)
    {
        if (result.Model.Provider.Kind == ProviderKind.Ollama)
        {
            return result.NumCtx is { } numCtx
                ? $"Parley resends the history and sets num_ctx ({Count(numCtx)}) to fit it; Ollama alone would drop the oldest messages"
                : "Parley resends the history and sets num_ctx to fit it; Ollama alone would drop the oldest messages";
        }

        return result.ContextWindow is { } window
            ? $"Parley resends the history; prompts over {Count(window)} tokens are stopped before sending"
            : "Parley resends the history; the window is unknown, so the server decides";
    }

    private static string Authority(Uri url) => url.GetLeftPart(UriPartial.Authority);

    private static string Price(decimal perMillion) => perMillion.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan time) => time < TimeSpan.FromSeconds(1)
        ? time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
