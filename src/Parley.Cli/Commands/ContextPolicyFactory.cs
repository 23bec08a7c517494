using System.Globalization;
using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>Turns <c>--context</c> and its flags into a <see cref="ContextPolicy"/> (and a summarizer for <c>summarize</c>).</summary>
internal static class ContextPolicyFactory
{
    public const string DefaultName = "budget";

    public static bool IsValidName(string? name) => Parse(name) is not null;

    /// <summary>The policy named on the command line, else the saved conversation's, else budget.</summary>
    public static string ChooseName(ContextSettings settings, string? saved) =>
        settings.Policy ?? (IsValidName(saved) ? saved!.Trim().ToLowerInvariant() : DefaultName);

    public static ContextPolicy Create(string name, ContextSettings settings, SummarizerSource source)
    {
        var kind = Parse(name) ?? throw new CliUsageException($"--context must be keep-all, last:N, budget or summarize (got '{name}')");
        if (kind.Name != "summarize" && (settings.SummarizeAt is not null || settings.SummaryModel is not null || settings.KeepLast is not null))
        {
            source.Services.Interaction.Warn("--summarize-at, --summary-model and --keep-last apply to --context summarize only: ignored");
        }

        return kind.Name switch
        {
            "keep-all" => ContextPolicy.KeepAll(),
            "last" => ContextPolicy.LastMessages(kind.Count),
            "budget" => ContextPolicy.TokenBudget(),
            _ => CreateSummarizing(settings, source),
        };
    }

    /// <summary>The summary model when none is named: the cheapest catalog model of the chat model's provider; a local model summarizes itself.</summary>
    public static string DefaultSummaryModel(ModelCatalog catalog, string chatModel)
    {
        if (catalog.Find(chatModel) is not { } model || model.IsLocal || model.Provider == ModelInfo.OllamaProvider)
        {
            return chatModel;
        }

        return catalog.Cheapest(model.Provider)?.Id ?? chatModel;
    }

    private static ContextPolicy CreateSummarizing(ContextSettings settings, SummarizerSource source)
    {
        var provider = source.Provider;
        var client = source.ChatClient;
        string model;
        if (settings.SummaryModel is { } named)
        {
            var (providerName, requested) = source.Resolver.SplitModel(named);
            if (providerName is not null && !string.Equals(providerName, provider.Name, StringComparison.OrdinalIgnoreCase))
            {
                var other = source.Resolver.Resolve(new ConnectionOverrides { Provider = providerName, Model = requested });
                client = CliChatClients.Create(other, source.Reliability, source.Services.Interaction);
                model = other.Model;
            }
            else
            {
                model = provider.Aliases.TryGetValue(requested, out var aliased) ? aliased : requested;
            }
        }
        else
        {
            model = DefaultSummaryModel(source.Catalog, provider.Model);
        }

        var summaryInfo = source.Catalog.Find(model);
        return ContextPolicy.Summarize(client, new SummarizingPolicyOptions
        {
            AtTokens = settings.SummarizeAt?.Tokens,
            AtShareOfWindow = settings.SummarizeAt?.Fraction,
            KeepLastTurns = settings.KeepLast ?? 4,
            SummaryModel = model,
            SummaryInputLimit = summaryInfo is null ? null : ContextBudget.For(summaryInfo, source.Services.TokenCounter)?.PromptBudget,
        });
    }

    /// <summary>The policy's kind (<c>keep-all</c>, <c>budget</c>, <c>summarize</c>, <c>last</c>) and, for <c>last:N</c>, N; null when the name is invalid.</summary>
    internal static (string Name, int Count)? Parse(string? name)
    {
        var text = name?.Trim().ToLowerInvariant();
        switch (text)
        {
            case "keep-all" or "budget" or "summarize":
                return (text, 0);
            case not null when text.StartsWith("last:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0:
                return ("last", count);
            default:
                return null;
        }
    }
}
