using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>
/// <c>tokens-peer DIR SECONDS REPS</c>: Parley's <see cref="TokenCounter.CountText"/> for gpt-4o (o200k_base) over the
/// texts in DIR, the same loop as bench/node/tokens.mjs: one warm-up pass, then REPS repetitions of as many passes
/// as fit in SECONDS; the best repetition's throughput is reported.
/// </summary>
internal static class TokenPeerCommand
{
    public static int Run(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: tokens-peer DIR SECONDS REPS");
            return 2;
        }

        var directory = args[0];
        var seconds = double.Parse(args[1], CultureInfo.InvariantCulture);
        var reps = int.Parse(args[2], CultureInfo.InvariantCulture);

        var loadStart = Stopwatch.GetTimestamp();
        var model = ModelCatalog.BuiltIn.Find("gpt-4o") ?? throw new InvalidOperationException("gpt-4o is not in the catalog");
        var counter = new TokenCounter();
        counter.CountText("warm up the tokenizer", model);
        var loadMs = Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds;

        foreach (var name in TokenTexts.Classes)
        {
            var text = File.ReadAllText(Path.Combine(directory, name + ".txt"), Encoding.UTF8);
            string[] items = name == "short" ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [text];
            long bytes = items.Sum(item => (long)Encoding.UTF8.GetByteCount(item));
            long Pass()
            {
                long tokens = 0;
                foreach (var item in items)
                {
                    tokens += counter.CountText(item, model).Value;
                }

                return tokens;
            }

            var count = Pass();
            double best = 0;
            for (var rep = 0; rep < reps; rep++)
            {
                var passes = 0;
                var start = Stopwatch.GetTimestamp();
                double elapsed;
                do
                {
                    if (Pass() != count)
                    {
                        throw new InvalidOperationException($"the count of {name} changed between passes");
                    }

                    passes++;
                    elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
                while (elapsed < seconds);
                best = Math.Max(best, bytes * passes / elapsed / 1e6);
            }

            Console.WriteLine(JsonSerializer.Serialize(new TokenPeerLine(name, bytes, count, best), BenchJson.Default.TokenPeerLine));
        }

        Console.WriteLine(JsonSerializer.Serialize(new TokenPeerLine("load", LoadMs: loadMs), BenchJson.Default.TokenPeerLine));
        return 0;
    }
}
