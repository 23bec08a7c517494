namespace Parley.Benchmarks;

/// <summary>One target of the issue, what was measured against it, and whether it was met (null: not judged).</summary>
internal sealed record TargetCheck(string Benchmark, string Target, string Measured, bool? Pass)
{
    public string Verdict => Pass switch { true => "PASS", false => "FAIL", null => "n/a" };

    /// <summary>Text made safe for one Markdown table cell: one line, no column breaks.</summary>
    public static string Cell(string text) =>
        text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal).Trim();
}
