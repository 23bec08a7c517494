using System.Globalization;

namespace Parley.Server;

/// <summary>
/// <c>X-Parley-Context</c>: how the gateway fits a request that does not fit the upstream's window — <c>budget</c>
/// (drop the oldest messages until it fits), <c>last:N</c> (keep the last N messages) — instead of refusing it.
/// The response says what was left out in <c>X-Parley-Context-Dropped</c>.
/// </summary>
internal static class ContextHeader
{
    public const string Name = "X-Parley-Context";

    public const string DroppedHeader = "X-Parley-Context-Dropped";

    /// <summary>The policy that <paramref name="value"/> names (null: none asked for), or the 400 error that says what is wrong with it.</summary>
    public static ContextPolicy? Parse(string? value, out GatewayError? error)
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

        error = string.Equals(value, "summarize", StringComparison.OrdinalIgnoreCase)
            ? GatewayErrors.InvalidBody($"{Name}: summarize is not available in the gateway yet; use budget or last:N.", null)
            : GatewayErrors.InvalidBody($"{Name} must be budget or last:N (N a positive number of messages), not '{value}'.", null);
        return null;
    }
}
