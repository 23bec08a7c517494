namespace Parley.Benchmarks;

/// <summary>One target of the issue, what was measured against it, and whether it was met (null: not judged).</summary>
internal sealed record TargetCheck(string Benchmark, string Target, string Measured, bool? Pass)
{
    public string Verdict => Pass switch { true => "PASS", false => "FAIL", null => "n/a" };
}
