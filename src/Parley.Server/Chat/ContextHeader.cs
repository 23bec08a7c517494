using System.Globalization;

namespace Parley.Server;

/// <summary>
/// <c>X-Parley-Context</c>: how the gateway fits a request that does not fit the upstream's window — <c>budget</c>
/// (drop the oldest messages until it fits), <c>last:N</c> (keep the last N messages), <c>summarize</c> (fold the
/// oldest turns into a running summary written by the same upstream) — instead of refusing it. The response says how
/// many messages were not sent as they were in <c>X-Parley-Context-Dropped</c>, and how many of those the summary
/// stands for in <c>X-Parley-Context-Summarized</c>.
/// </summary>
internal static class ContextHeader
{
    public const string Name = "X-Parley-Context";

    public const string DroppedHeader = "X-Parley-Context-Dropped";

    public const string SummarizedHeader = "X-Parley-Context-Summarized";

    /// <summary>The dollar cost of the summary calls made for this request (<c>unknown</c> when the price is not known).</summary>
    public const string SummaryCostHeader = "X-Parley-Summary-Cost-Usd";

    /// <summary>
    /// The policy that <paramref name="value"/> names (null: none asked for), or the 400 error that says what is wrong
    /// with it; <paramref name="summarize"/> builds the summarizing policy, only when it is asked for.
    /// </summary>
    public static ContextPolicy? Parse(string? value, Func<ContextPolicy> summarize, out GatewayError? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (string.Equals(value, "budget", StringComparison.OrdinalIgnoreCase))
        {
            return ContextPolicy.TokenBudget();
        }

        if (value.StartsWith("last:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            return ContextPolicy.LastMessages(count);
        }

        if (string.Equals(value, "summarize", StringComparison.OrdinalIgnoreCase))
        {
            return summarize();
        }

        error = GatewayErrors.InvalidBody($"{Name} must be budget, last:N (N a positive number of messages) or summarize, not '{value}'.", null);
        return null;
    }
}
