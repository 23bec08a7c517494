using System.CommandLine;
using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>The flags that shape the answer: system prompt, max tokens, temperature, top-p, seed, stop.</summary>
internal sealed class GenerationOptionSet
{
    public GenerationOptionSet()
    {
        OptionValues.Whole(MaxTokens, 1, int.MaxValue, "a positive whole number");
        OptionValues.Real(Temperature, 0, 2, "a number from 0 to 2");
        OptionValues.Real(TopP, 0, 1, "a number from 0 to 1");
        OptionValues.Whole(Seed, long.MinValue, long.MaxValue, "a whole number");
        OptionValues.Money(MaxCost, 0, 1_000_000, "a dollar amount of 0 or more, e.g. 0.05");
        OptionValues.OneOf(ReasoningEffortOption, "low", "medium", "high");
    }

    public Option<string?> System { get; } = new("--system", "-s")
    {
        Description = "System prompt (how the assistant should behave)",
        HelpName = "TEXT",
    };

    public Option<int?> MaxTokens { get; } = new("--max-tokens")
    {
        Description = "Upper limit on the answer's tokens",
        HelpName = "N",
    };

    public Option<double?> Temperature { get; } = new("--temperature")
    {
        Description = "Sampling temperature, 0 to 2",
        HelpName = "X",
    };

    public Option<double?> TopP { get; } = new("--top-p")
    {
        Description = "Nucleus sampling, 0 to 1",
        HelpName = "X",
    };

    public Option<long?> Seed { get; } = new("--seed")
    {
        Description = "Seed for best-effort deterministic sampling",
        HelpName = "N",
    };

    public Option<string[]> Stop { get; } = new("--stop")
    {
        Description = "Stop sequence (repeatable)",
        HelpName = "TEXT",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> ReasoningEffortOption { get; } = new("--reasoning-effort")
    {
        Description = "How hard a reasoning model thinks: low, medium or high (sent as reasoning_effort)",
        HelpName = "LEVEL",
    };

    public Option<decimal?> MaxCost { get; } = new("--max-cost")
    {
        Description = "Refuse to send a request that could take the conversation's cost over this many US dollars",
        HelpName = "USD",
    };

    public void AddTo(Command command)
    {
        command.Add(System);
        command.Add(MaxTokens);
        command.Add(Temperature);
        command.Add(TopP);
        command.Add(Seed);
        command.Add(Stop);
        command.Add(ReasoningEffortOption);
        command.Add(MaxCost);
    }

    public ChatOptions Read(ParseResult result)
    {
        var options = new ChatOptions
        {
            MaxOutputTokens = result.GetValue(MaxTokens),
            Temperature = (float?)result.GetValue(Temperature),
            TopP = (float?)result.GetValue(TopP),
            Seed = result.GetValue(Seed),
        };
        options.Reasoning = result.GetValue(ReasoningEffortOption) switch
        {
            "low" => new ReasoningOptions { Effort = ReasoningEffort.Low },
            "medium" => new ReasoningOptions { Effort = ReasoningEffort.Medium },
            "high" => new ReasoningOptions { Effort = ReasoningEffort.High },
            _ => null,
        };
        var stops = result.GetValue(Stop);
        if (stops is { Length: > 0 })
        {
            options.StopSequences = [.. stops];
        }

        return options;
    }
}
