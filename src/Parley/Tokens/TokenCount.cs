namespace Parley;

/// <summary>A token count and whether it is exact (what the provider bills) or an estimate.</summary>
/// <param name="Value">The number of tokens.</param>
/// <param name="IsEstimate">True when the count is an estimate rather than the provider's billed count.</param>
public readonly record struct TokenCount(int Value, bool IsEstimate)
{
    /// <summary>Adds two counts; the sum is an estimate if either part is.</summary>
    /// <param name="left">The first count.</param>
    /// <param name="right">The second count.</param>
    /// <returns>The sum.</returns>
    public static TokenCount operator +(TokenCount left, TokenCount right) =>
        new(left.Value + right.Value, left.IsEstimate || right.IsEstimate);

    /// <summary>Adds two counts; the sum is an estimate if either part is.</summary>
    /// <param name="left">The first count.</param>
    /// <param name="right">The second count.</param>
    /// <returns>The sum.</returns>
    public static TokenCount Add(TokenCount left, TokenCount right) => left + right;

    /// <inheritdoc />
    public override string ToString() => IsEstimate ? $"~{Value}" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
