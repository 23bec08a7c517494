using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>
/// <c>tokens-runs DIR REPS</c>: Parley's <see cref="TokenCounter.CountText"/> for gpt-4o (o200k_base) on the runs
/// without spaces in DIR (<see cref="TokenTexts.RunClasses"/>, 100 KB then 1 MB): after one warm-up count of each
/// file, the fastest of REPS single counts (wall time; and the least process CPU time of the REPS counts); one
/// <see cref="TokenPeerLine"/> per file, named after it.
/// </summary>
internal static class TokenRunsCommand
{
    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: tokens-runs DIR REPS");
            return 2;
        }

        var directory = args[0];
        var reps = int.Parse(args[1], CultureInfo.InvariantCulture);
        var model = ModelCatalog.BuiltIn.Find("gpt-4o") ?? throw new InvalidOperationException("gpt-4o is not in the catalog");
        var counter = new TokenCounter();
        foreach (var name in TokenTexts.RunClasses.SelectMany(run => new[] { run + "-100k", run }))
        {
            var text = File.ReadAllText(Path.Combine(directory, name + ".txt"), Encoding.UTF8);
            long bytes = Encoding.UTF8.GetByteCount(text);
            var count = counter.CountText(text, model).Value;
            var best = double.MaxValue;
            var bestCpu = double.MaxValue;
            using var process = Process.GetCurrentProcess();
            for (var rep = 0; rep < reps; rep++)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var start = Stopwatch.GetTimestamp();
                if (counter.CountText(text, model).Value != count)
                {
                    throw new InvalidOperationException($"the count of {name} changed between passes");
                }

                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
                process.Refresh();
                bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu).TotalMilliseconds);
            }

            Console.WriteLine(JsonSerializer.Serialize(new TokenPeerLine(name, bytes, count, bytes / best / 1e6, CpuMs: bestCpu), BenchJson.Default.TokenPeerLine));
        }

        return 0;
    }
}
