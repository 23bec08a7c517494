using System.Globalization;

namespace Parley.Cli;

/// <summary>Fields of the tab-separated lines history commands print when stdout is not a terminal.</summary>
internal static class Tsv
{
    /// <summary>Text with tabs and line breaks turned into spaces; <c>-</c> when empty.</summary>
    public static string Field(string? text) =>
        string.IsNullOrEmpty(text) ? "-" : text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    /// <summary>A cost as a plain decimal number (no <c>$</c>); <c>-</c> when unknown.</summary>
    public static string Cost(decimal? cost) => cost is { } c ? c.ToString("0.########", CultureInfo.InvariantCulture) : "-";
}
