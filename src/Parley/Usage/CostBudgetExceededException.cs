namespace Parley;

/// <summary>
/// A request was refused before it was sent because it could cost more than is left of the conversation's dollar
/// budget (<see cref="ChatSessionOptions.MaxCostUsd"/>), or because its price is unknown so the budget cannot be
/// enforced. Nothing was sent.
/// </summary>
public sealed class CostBudgetExceededException : ParleyException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The message for the user.</param>
    /// <param name="model">The model the request was for.</param>
    /// <param name="limitUsd">The conversation's budget.</param>
    /// <param name="spentUsd">What the conversation has cost so far.</param>
    /// <param name="worstCaseUsd">The most the request could cost, or null when it cannot be known.</param>
    public CostBudgetExceededException(string message, string model, decimal limitUsd, decimal spentUsd, decimal? worstCaseUsd)
        : base(message)
    {
        Model = model;
        LimitUsd = limitUsd;
        SpentUsd = spentUsd;
        WorstCaseUsd = worstCaseUsd;
    }

    /// <summary>The model the request was for.</summary>
    public string Model { get; }

    /// <summary>The conversation's budget in US dollars.</summary>
    public decimal LimitUsd { get; }

    /// <summary>What the conversation has cost so far (a continued conversation's saved turns included).</summary>
    public decimal SpentUsd { get; }

    /// <summary>What is left of the budget (negative when it is overspent).</summary>
    public decimal RemainingUsd => LimitUsd - SpentUsd;

    /// <summary>
    /// The most the refused request could cost (its prompt at the input price plus its maximum output at the output
    /// price), or null when the price, the maximum output or the cost so far is unknown, so the budget cannot be enforced.
    /// </summary>
    public decimal? WorstCaseUsd { get; }

    /// <summary>True when the request was refused because its cost could not be known (not because it was too expensive).</summary>
    public bool IsUnenforceable => WorstCaseUsd is null;
}
