using System.Globalization;

namespace Parley.Cli;

/// <summary>
/// The <c>parley models</c> table: plain aligned columns (pipeable, greppable), prices in US dollars per million tokens,
/// <c>?</c> for unknown values and <c>-</c> for "no separate cached price".
/// </summary>
internal static class ModelTableFormatter
{
    public const string Legend =
        "US$ per million tokens ('-' cached: billed as input; '?' unknown) · developer/user: role the system prompt is sent as · "
        + "effort: takes --reasoning-effort · ~tokens: counts are estimates · --json adds price sources and dates";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] Headers = ["MODEL", "PROVIDER", "CONTEXT", "MAX OUT", "ENCODING", "$/M IN", "$/M CACHED", "$/M OUT", "FLAGS"];

    // Columns whose values are numbers are right-aligned.
    private static readonly bool[] RightAligned = [false, false, true, true, false, true, true, true, false];

    public static IReadOnlyList<string> Format(IEnumerable<ModelInfo> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var rows = new List<string[]> { Headers };
        rows.AddRange(models.Select(Row));
        var widths = Enumerable.Range(0, Headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return rows.Select(row => string.Join("  ", row.Select((cell, c) => RightAligned[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd()).ToArray();
    }

    public static string Flags(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var flags = new List<string>();
        if (model.IsReasoning)
        {
            flags.Add("reasoning");
        }

        if (model.SupportsReasoningEffort)
        {
            flags.Add("effort");
        }

        if (model.SystemRole != "system")
        {
            flags.Add(model.SystemRole);
        }

        if (!model.SupportsTemperature)
        {
            flags.Add("no-temperature");
        }

        if (model.IsLocal)
        {
            flags.Add("local");
        }

        if (!model.HasExactTokenizer)
        {
            flags.Add("~tokens");
        }

        return string.Join(' ', flags);
    }

    private static string[] Row(ModelInfo model) =>
    [
        model.Id,
        model.Provider,
        Count(model.ContextWindow),
        Count(model.MaxOutputTokens),
        model.Encoding ?? "-",
        Price(model.InputPerMillion, "?"),
        Price(model.CachedInputPerMillion, model.InputPerMillion is null ? "?" : "-"),
        Price(model.OutputPerMillion, "?"),
        Flags(model),
    ];

    private static string Count(int? value) => value is { } v ? v.ToString("#,0", Invariant) : "?";

    private static string Price(decimal? value, string missing) => value is { } v ? v.ToString("0.00##", Invariant) : missing;
}
