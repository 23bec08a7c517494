using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Parley.Cli.Tests;

/// <summary>
/// Runs <c>bash bench/run.sh --smoke</c> (tiny sizes) and checks that every peer of every benchmark reported a
/// number. Nothing is timed here: the benchmark itself reports pass/fail against the targets.
/// </summary>
[Collection(BenchmarkSmokeCollection.Name)]
public sealed class BenchmarkSmokeTests
{
    private static readonly string[] StreamPeers = ["parley", "openai-dotnet", "meai", "openai-node", "httpclient"];
    private static readonly string[] TokenPeers = ["parley", "tiktoken", "js-tiktoken"];
    private static readonly string[] TextClasses = ["short", "english", "cjk", "code"];
    private static readonly int[] HistorySizes = [10, 100, 1_000, 10_000];

    [Fact]
    public async Task SmokeRun_EveryPeer_ReportsANumber()
    {
        foreach (var tool in new[] { "node", "npm" })
        {
            Assert.True(IsOnPath(tool), $"'{tool}' is not on PATH: the benchmark smoke test needs Node.js and npm (its Node peers are installed from the npm registry by bench/run.sh).");
        }

        var repository = FindRepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "parley-bench-smoke-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(output);
        try
        {
            var json = Path.Combine(output, "results.json");
            var (exitCode, log) = await RunAsync(repository, ["bench/run.sh", "--smoke", "--out", Path.Combine(output, "BENCHMARKS.md"), "--json", json]);
            Assert.True(exitCode == 0, $"bash bench/run.sh --smoke exited with {exitCode}:\n{Tail(log)}");

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var metrics = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
            var missing = new List<string>();
            void Expect(string key, bool positive = false)
            {
                if (!metrics.TryGetValue(key, out var value) || value.ValueKind != JsonValueKind.Number
                    || !double.IsFinite(value.GetDouble()) || (positive && value.GetDouble() <= 0))
                {
                    missing.Add(key);
                }
            }

            foreach (var peer in StreamPeers)
            {
                Expect($"streaming/{peer}/cpu_us_per_chunk");
                Expect($"streaming/{peer}/chunks_per_second", positive: true);
                if (peer != "openai-node")
                {
                    Expect($"streaming/{peer}/bytes_per_chunk");
                }
            }

            foreach (var peer in TokenPeers)
            {
                foreach (var text in TextClasses)
                {
                    Expect($"tokens/{peer}/{text}/mbps", positive: true);
                    Expect($"tokens/{peer}/{text}/tokens", positive: true);
                }
            }

            foreach (var size in HistorySizes)
            {
                Expect($"bookkeeping/SQLite/{size}/p50_ms", positive: true);
                Expect($"bookkeeping/none/{size}/p50_ms", positive: true);
            }

            var builds = metrics.Keys.Where(k => k.StartsWith("startup/", StringComparison.Ordinal)).Select(k => k.Split('/')[1]).Distinct().ToArray();
            Assert.NotEmpty(builds);
            Expect("gateway/direct/rps", positive: true);
            foreach (var build in builds)
            {
                Expect($"gateway/{build}/added_p50_ms");
                Expect($"gateway/{build}/added_p99_ms");
                Expect($"gateway/{build}/rps", positive: true);
                Expect($"gateway/{build}/stream_cpu_us_per_chunk");
                Expect($"gateway/{build}/open_streams_rss_mib", positive: true);
            }

            foreach (var build in builds)
            {
                foreach (var run in new[] { "version", "oneshot", "oneshot_nolog", "oneshot_unlisted", "large_exact", "large_unlisted" })
                {
                    Expect($"startup/{build}/{run}_ms", positive: true);
                }

                Expect($"memory/{build}/peak_mib", positive: true);
                Expect($"features/{build}/checked", positive: true);
            }

            Assert.True(missing.Count == 0, "no number for: " + string.Join(", ", missing));

            // Every command works in the build the smoke run starts (the table "Does every feature work in each build?").
            var failures = (await File.ReadAllLinesAsync(Path.Combine(output, "BENCHMARKS.md"))).Where(l => l.Contains("**fails**", StringComparison.Ordinal)).ToArray();
            Assert.True(builds.All(b => metrics[$"features/{b}/failed"].GetDouble() == 0), "features that fail:\n" + string.Join('\n', failures));

            // Counting tokens is not timing: the counts must agree exactly.
            foreach (var text in TextClasses)
            {
                var counts = TokenPeers.Select(peer => metrics[$"tokens/{peer}/{text}/tokens"].GetDouble()).Distinct().ToArray();
                Assert.True(counts.Length == 1, $"token counts of '{text}' differ between {string.Join(", ", TokenPeers)}: {string.Join(" / ", counts)}");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string workingDirectory, string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Reuse the builds of this test run's configuration (Debug or Release).
        start.Environment["BENCH_CONFIGURATION"] = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (log)
            {
                return (-1, "timed out after 10 minutes\n" + log);
            }
        }

        process.WaitForExit(); // drains the asynchronous output readers
        lock (log)
        {
            return (process.ExitCode, log.ToString());
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "bench", "run.sh")) && File.Exists(Path.Combine(directory.FullName, "Parley.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no repository root (with bench/run.sh) above {AppContext.BaseDirectory}");
    }

    private static bool IsOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}
