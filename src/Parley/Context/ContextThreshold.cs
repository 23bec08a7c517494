using System.Globalization;

namespace Parley;

/// <summary>A prompt size in tokens, or a share of the context window (<c>3000</c>, <c>75%</c>).</summary>
internal sealed record ContextThreshold
{
    private ContextThreshold(int? tokens, double? fraction)
    {
        Tokens = tokens;
        Fraction = fraction;
    }

    /// <summary>75% of the window: when the summarizing policy folds the oldest turns by default.</summary>
    public static ContextThreshold Default { get; } = new(null, 0.75);

    /// <summary>The threshold in tokens, when it was given in tokens.</summary>
    public int? Tokens { get; }

    /// <summary>The threshold as a share of the window (0 to 1), when it was given as one.</summary>
    public double? Fraction { get; }

    /// <summary>A threshold of <paramref name="tokens"/> tokens.</summary>
    /// <param name="tokens">A positive number of tokens.</param>
    /// <returns>The threshold.</returns>
    public static ContextThreshold OfTokens(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        return new ContextThreshold(tokens, null);
    }

    /// <summary>A threshold at <paramref name="fraction"/> of the window.</summary>
    /// <param name="fraction">More than 0, at most 1 (0.75 is 75%).</param>
    /// <returns>The threshold.</returns>
    public static ContextThreshold OfWindow(double fraction)
    {
        if (!double.IsFinite(fraction) || fraction <= 0 || fraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The share of the window must be more than 0 and at most 1.");
        }

        return new ContextThreshold(null, fraction);
    }

    /// <summary>Reads <c>3000</c> (tokens; <c>3,000</c> and <c>3_000</c> too) or <c>75%</c> (of the window).</summary>
    /// <param name="text">The text.</param>
    /// <param name="threshold">The threshold, when the text is valid.</param>
    /// <returns>True when the text is valid.</returns>
    public static bool TryParse(string? text, out ContextThreshold? threshold)
    {
        threshold = null;
        var trimmed = text?.Trim().Replace(",", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        if (trimmed.EndsWith('%'))
        {
            if (double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent > 0 && percent <= 100)
            {
                threshold = OfWindow(percent / 100);
                return true;
            }

            return false;
        }

        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) && tokens > 0)
        {
            threshold = OfTokens(tokens);
            return true;
        }

        return false;
    }

    /// <summary>The threshold in tokens for a window of <paramref name="contextWindow"/> tokens.</summary>
    /// <param name="contextWindow">The window.</param>
    /// <returns>The number of tokens.</returns>
    public int Resolve(int contextWindow) => Tokens ?? (int)Math.Floor(contextWindow * Fraction!.Value);

    /// <inheritdoc/>
    public override string ToString() => Tokens is { } tokens
        ? tokens.ToString("#,0", CultureInfo.InvariantCulture)
        : (Fraction!.Value * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
