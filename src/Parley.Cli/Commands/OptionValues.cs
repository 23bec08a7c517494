using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Parley.Cli;

/// <summary>
/// Parses option values with one-line errors that name the flag and say what it takes (<c>--temperature must be a
/// number from 0 to 2 (got 'NaN')</c>) instead of .NET type names. Numbers are invariant; NaN and infinities are refused.
/// </summary>
internal static class OptionValues
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Whole(Option<int?> option, int min, int max, string expected) =>
        option.CustomParser = r => Parse<int>(r, option.Name, expected, text => ParseWhole(text, min, max) is { } v ? (int)v : null);

    public static void Whole(Option<int> option, int min, int max, string expected) =>
        option.CustomParser = r => Parse<int>(r, option.Name, expected, text => ParseWhole(text, min, max) is { } v ? (int)v : null) ?? default;

    public static void Whole(Option<long?> option, long min, long max, string expected) =>
        option.CustomParser = r => Parse<long>(r, option.Name, expected, text => ParseWhole(text, min, max));

    public static void Real(Option<double?> option, double min, double max, string expected) =>
        option.CustomParser = r => Parse<double>(r, option.Name, expected, text =>
            double.TryParse(text, NumberStyles.Float, Invariant, out var v) && double.IsFinite(v) && v >= min && v <= max ? v : null);

    public static void Money(Option<decimal?> option, decimal min, decimal max, string expected) =>
        option.CustomParser = r => Parse<decimal>(r, option.Name, expected, text =>
            decimal.TryParse(text, NumberStyles.Number, Invariant, out var v) && v >= min && v <= max ? v : null);

    /// <summary>Accepts only the given words (lower case), with a one-line error that lists them.</summary>
    public static void OneOf(Option<string?> option, params string[] values) =>
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !values.Contains(r.Tokens[^1].Value, StringComparer.Ordinal))
            {
                r.AddError($"{option.Name} must be {Wording.Either(values)} (got '{r.Tokens[^1].Value}')");
            }
        });

    private static long? ParseWhole(string text, long min, long max) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, Invariant, out var v) && v >= min && v <= max ? v : null;

    private static T? Parse<T>(ArgumentResult result, string name, string expected, Func<string, T?> parse)
        where T : struct
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (parse(text) is { } value)
        {
            return value;
        }

        result.AddError($"{name} must be {expected} (got '{text}')");
        return null;
    }
}
