using System.CommandLine;

namespace Parley.Cli;

/// <summary>
/// The flags that keep a conversation inside the model's window: <c>--context</c>, <c>--reserve-output</c>,
/// <c>--summarize-at</c>, <c>--summary-model</c>, <c>--keep-last</c>.
/// </summary>
internal sealed class ContextOptionSet
{
    public ContextOptionSet()
    {
        Context.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !ContextPolicyFactory.IsValidName(r.Tokens[^1].Value))
            {
                r.AddError($"--context must be keep-all, last:N, budget or summarize (got '{r.Tokens[^1].Value}')");
            }
        });
        OptionValues.Whole(ReserveOutput, 0, int.MaxValue, "a whole number of at least 0");
        OptionValues.Whole(KeepLast, 0, int.MaxValue, "a whole number of at least 0");
        SummarizeAt.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !ContextThreshold.TryParse(r.Tokens[^1].Value, out _))
            {
                r.AddError($"--summarize-at must be a number of tokens or a percentage of the window, e.g. 6000 or 75% (got '{r.Tokens[^1].Value}')");
            }
        });
    }

    public Option<string?> Context { get; } = new("--context")
    {
        Description = "What part of the history is sent: keep-all, last:N (messages), budget (the newest that fit the window; default) or summarize (fold the oldest turns into a summary)",
        HelpName = "POLICY",
    };

    public Option<int?> ReserveOutput { get; } = new("--reserve-output")
    {
        Description = "Tokens kept free for the answer (default: the smaller of the model's max output and a quarter of its window)",
        HelpName = "N",
    };

    public Option<string?> SummarizeAt { get; } = new("--summarize-at")
    {
        Description = "With --context summarize: summarize once the prompt passes this many tokens or this share of the window (default 75%)",
        HelpName = "TOKENS|N%",
    };

    public Option<string?> SummaryModel { get; } = new("--summary-model")
    {
        Description = "With --context summarize: the model that writes summaries (default: the provider's cheapest catalog model)",
        HelpName = "MODEL",
    };

    public Option<int?> KeepLast { get; } = new("--keep-last")
    {
        Description = "With --context summarize: the newest turns never summarized (default 4)",
        HelpName = "N",
    };

    public void AddTo(Command command)
    {
        command.Add(Context);
        command.Add(ReserveOutput);
        command.Add(SummarizeAt);
        command.Add(SummaryModel);
        command.Add(KeepLast);
    }

    public ContextSettings Read(ParseResult result)
    {
        ContextThreshold.TryParse(result.GetValue(SummarizeAt), out var at);
        return new ContextSettings
        {
            Policy = result.GetValue(Context)?.Trim().ToLowerInvariant(),
            ReserveOutput = result.GetValue(ReserveOutput),
            SummarizeAt = at,
            SummaryModel = result.GetValue(SummaryModel),
            KeepLast = result.GetValue(KeepLast),
        };
    }
}
