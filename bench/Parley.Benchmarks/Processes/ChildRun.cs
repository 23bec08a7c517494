namespace Parley.Benchmarks;

/// <summary>One finished child process: its exit code, output, wall time and (when measured) CPU and memory.</summary>
/// <remarks><see cref="CpuSeconds"/>: the child's user+sys CPU, from the harness's getrusage(RUSAGE_CHILDREN) before and after.</remarks>
internal sealed record ChildRun(int ExitCode, string Stdout, string Stderr, TimeSpan Wall, MeasuredUsage? Usage, double CpuSeconds)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>A one-line description for error messages.</summary>
    public string Describe(string what) =>
        $"{what} exited with {ExitCode}: {Tail(Stderr)}{(Stderr.Length == 0 ? Tail(Stdout) : string.Empty)}";

    private static string Tail(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 600 ? trimmed : "…" + trimmed[^600..];
    }
}
