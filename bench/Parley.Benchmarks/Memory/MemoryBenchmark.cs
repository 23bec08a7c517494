using System.Globalization;
using System.Text;

namespace Parley.Benchmarks;

/// <summary>
/// Memory: the peak resident set (ru_maxrss, the same figure as VmHWM) of a piped <c>parley chat</c> session of
/// many turns (keep-all memory, every turn saved to SQLite), per build.
/// </summary>
internal sealed class MemoryBenchmark : IBenchmarkSection
{
    private readonly List<(CliVariant Variant, double PeakMb, double Seconds, string? Error)> _results = [];
    private int _turns;

    public async Task RunAsync(BenchSettings settings, LoopbackServerProcess server)
    {
        _turns = settings.MemoryTurns;
        var input = new StringBuilder();
        for (var i = 1; i <= _turns; i++)
        {
            input.Append(CultureInfo.InvariantCulture, $"Question {i}: what should I know about topic number {i}, briefly?\n");
        }

        foreach (var variant in settings.Variants)
        {
            await server.ResetAsync();
            using var env = new CliEnvironment(server, "memory");
            var run = await env.RunAsync(variant, ["chat", "-m", "gpt-4o-mini", "--context", "keep-all"], input.ToString(), measure: true);
            var last = $"Echo: Question {_turns}:";
            if (!run.Succeeded || run.Usage is null || !run.Stdout.Contains(last, StringComparison.Ordinal))
            {
                var turnsDone = run.Stdout.Split('\n').Count(line => line.StartsWith("Echo: Question", StringComparison.Ordinal));
                var error = $"after {turnsDone} turns: " + run.Describe("parley chat").Replace("\n", " ", StringComparison.Ordinal);
                _results.Add((variant, double.NaN, run.Wall.TotalSeconds, error));
                Console.Error.WriteLine($"  memory {variant.Name,-22} FAILS {error}");
                continue;
            }

            _results.Add((variant, run.Usage.MaxRssKb / 1024.0, run.Wall.TotalSeconds, null));
            Console.Error.WriteLine($"  memory {variant.Name,-22} {_turns} turns: peak RSS {run.Usage.MaxRssKb / 1024.0:0.0} MiB in {run.Wall.TotalSeconds:0.0} s");
        }

        await server.ResetAsync();
    }

    public IEnumerable<TargetCheck> Targets => [];

    public void AddMetrics(IDictionary<string, double?> metrics)
    {
        foreach (var (variant, peak, seconds, error) in _results)
        {
            metrics[$"memory/{variant.Name}/peak_mib"] = error is null ? peak : null;
            metrics[$"memory/{variant.Name}/seconds"] = error is null ? seconds : null;
        }
    }

    public void WriteMarkdown(StringBuilder md)
    {
        md.AppendLine($"## 5. Memory: {_turns:N0}-turn piped `parley chat`").AppendLine();
        md.AppendLine($"`parley chat -m gpt-4o-mini --context keep-all` with {_turns:N0} questions on stdin, against the loopback server's echo; keep-all memory (the last request carries {2 * _turns:N0} messages), every turn saved to SQLite. " +
            "Peak resident set = `ru_maxrss` of the process (the kernel's VmHWM), read with getrusage(RUSAGE_CHILDREN) by the measuring helper. No target was set; for the record.").AppendLine();
        md.AppendLine("| build | peak RSS MiB | wall s | ms per turn |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (variant, peak, seconds, error) in _results)
        {
            md.AppendLine(error is null
                ? $"| {variant.Name} | {peak:0.0} | {seconds:0.0} | {seconds * 1000 / _turns:0.0} |"
                : $"| {variant.Name} | **fails** {TargetCheck.Cell(error)} | | |");
        }

        md.AppendLine();
    }
}
