using System.Text;

namespace Parley.Benchmarks;

/// <summary>
/// Start-up: the wall time (and CPU time) of <c>parley --version</c> and of one-shot prompts against the loopback
/// server, for each build of the CLI, measured by the harness from process start to exit (median of the runs,
/// after two warm-up runs that also create the database). Also checks that every feature works in each build.
/// </summary>
internal sealed class StartupBenchmark : IBenchmarkSection
{
    private const string ExactModel = "gpt-4o-mini";
    private const string UnlistedModel = "bench-unlisted-model";

    /// <summary>About 120 KB: more bytes than gpt-4o-mini's budget, so the preflight must count exactly (≈27k tokens).</summary>
    private static readonly string LargePrompt = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 2700));

    private readonly List<VariantResult> _results = [];
    private double _harnessFloorMs;
    private double _serverMs;
    private int _runs;
    private string[] _aotWarnings = [];
    private bool _aotWarningsRead;

    private sealed record Case(string Key, string[] Arguments, string? Stdin = null);

    private sealed record Timing(double WallMs, double CpuMs, string? Error);

    private sealed record VariantResult(CliVariant Variant, Dictionary<string, Timing> Timings, IReadOnlyList<FeatureCheck.Outcome> Features, double Megabytes);

    private static readonly Case[] Cases =
    [
        new("version", ["--version"]),
        new("oneshot", ["-m", ExactModel, "Hello there"]),
        new("oneshot_nolog", ["-m", ExactModel, "--no-log", "Hello there"]),
        new("oneshot_unlisted", ["-m", UnlistedModel, "Hello there"]),
        new("large_exact", ["-m", ExactModel], LargePrompt),
        new("large_unlisted", ["-m", UnlistedModel], LargePrompt),
    ];

    public async Task RunAsync(BenchSettings settings, LoopbackServerProcess server)
    {
        _runs = settings.StartupRuns;
        if (settings.AotWarningsFile is { } file && File.Exists(file))
        {
            _aotWarnings = File.ReadAllLines(file).Where(l => l.Length > 0).ToArray();
            _aotWarningsRead = true;
        }

        using (var floor = new CliEnvironment(server, "floor"))
        {
            var times = new List<double>();
            for (var i = 0; i < _runs + 2; i++)
            {
                var run = await ChildProcess.RunAsync("/bin/true", [], environment: floor.Variables, workingDirectory: floor.WorkingDirectory);
                if (i >= 2)
                {
                    times.Add(run.Wall.TotalMilliseconds);
                }
            }

            _harnessFloorMs = Stats.Median(times);
        }

        _serverMs = (await server.MeasureEchoLatencyAsync(20)).TotalMilliseconds;
        foreach (var variant in settings.Variants)
        {
            await server.ResetAsync();
            var timings = new Dictionary<string, Timing>();
            using var env = new CliEnvironment(server, "startup");
            foreach (var c in Cases)
            {
                timings[c.Key] = await TimeAsync(env, variant, c, server);
                var t = timings[c.Key];
                Console.Error.WriteLine($"  start-up {variant.Name,-22} {c.Key,-18} median {t.WallMs,7:0.0} ms wall, {t.CpuMs,7:0.0} ms CPU {t.Error}");
            }

            await server.ResetAsync();
            var features = await FeatureCheck.RunAsync(variant, server);
            foreach (var f in features)
            {
                Console.Error.WriteLine($"  features {variant.Name,-22} {f.Feature}: {(f.Works switch { true => "ok", false => "FAILS", null => "n/a" })} {(f.Works == true ? string.Empty : f.Detail)}");
            }

            _results.Add(new VariantResult(variant, timings, features, variant.FolderMegabytes));
        }
    }

    private async Task<Timing> TimeAsync(CliEnvironment env, CliVariant variant, Case c, LoopbackServerProcess server)
    {
        var walls = new List<double>();
        var cpus = new List<double>();
        for (var i = 0; i < _runs + 2; i++)
        {
            if (c.Stdin is not null)
            {
                // A short answer: the large prompt's echo would be streamed back word by word.
                await server.EnqueueAsync("""{"type":"text","content":"Noted."}""");
            }

            var run = await env.RunAsync(variant, c.Arguments, c.Stdin);
            if (!run.Succeeded)
            {
                await server.ResetAsync();
                return new Timing(double.NaN, double.NaN, run.Describe($"parley {string.Join(' ', c.Arguments)}").ReplaceLineEndings(" "));
            }

            if (i >= 2)
            {
                walls.Add(run.Wall.TotalMilliseconds);
                cpus.Add(run.CpuSeconds * 1e3);
            }
        }

        return new Timing(Stats.Median(walls), Stats.Median(cpus), null);
    }

    /// <summary>The build that ships: NativeAOT (what <c>dotnet publish -r RID</c> makes, the README's recommended install), else the first.</summary>
    private VariantResult Shipped => _results.FirstOrDefault(r => r.Variant.Name.StartsWith("NativeAOT", StringComparison.Ordinal)) ?? _results[0];

    private double Overhead(VariantResult r) => r.Timings["oneshot"].WallMs - _serverMs;

    private static string Signed(double ms) => ms >= 0 ? $"+{ms:0} ms" : $"{ms:0} ms (no cost above the noise)";

    private static double VocabularyOnCriticalPath(VariantResult r) => r.Timings["large_exact"].WallMs - r.Timings["large_unlisted"].WallMs;

    public IEnumerable<TargetCheck> Targets
    {
        get
        {
            foreach (var r in _results)
            {
                var name = r.Variant.Name + (ReferenceEquals(r, Shipped) ? " (shipped build)" : string.Empty);
                var version = r.Timings["version"];
                yield return new TargetCheck("Start-up", $"`parley --version` < 50 ms — {name}", Describe(version), version.WallMs < 50);
                yield return new TargetCheck("Start-up", $"one-shot with exact preflight < 150 ms local overhead — {name}",
                    r.Timings["oneshot"].Error ?? $"{Overhead(r):0.0} ms ({r.Timings["oneshot"].CpuMs:0} ms CPU)", Overhead(r) < 150);
                yield return new TargetCheck("Start-up", $"vocabulary load off the critical path — {name}",
                    r.Timings["large_exact"].Error is { } error
                        ? "exact count fails: " + error
                        : $"short prompt: none (the byte bound settles it); 120 KB prompt that needs an exact count: {Signed(VocabularyOnCriticalPath(r))}",
                    r.Timings["large_exact"].Error is null ? VocabularyOnCriticalPath(r) < 100 : false);
            }
        }
    }

    private static string Describe(Timing t) => t.Error ?? $"{t.WallMs:0.0} ms ({t.CpuMs:0} ms CPU)";

    public void AddMetrics(IDictionary<string, double?> metrics)
    {
        foreach (var r in _results)
        {
            foreach (var (key, value) in r.Timings)
            {
                metrics[$"startup/{r.Variant.Name}/{key}_ms"] = value.Error is null ? value.WallMs : null;
                metrics[$"startup/{r.Variant.Name}/{key}_cpu_ms"] = value.Error is null ? value.CpuMs : null;
            }

            metrics[$"features/{r.Variant.Name}/checked"] = r.Features.Count;
            metrics[$"features/{r.Variant.Name}/failed"] = r.Features.Count(f => f.Works == false);
        }
    }

    public void WriteMarkdown(StringBuilder md)
    {
        md.AppendLine("## 4. Start-up").AppendLine();
        md.AppendLine($"Wall time from process start to exit, measured by the harness (`Process.Start` … `WaitForExitAsync`), median of {_runs} runs after 2 warm-up runs (which also create the database); " +
            "in brackets the process's user+sys CPU time (getrusage children), which the machine's load disturbs less. Each build gets a fresh `PARLEY_HOME`; every one-shot below streams and is saved to SQLite unless it says `--no-log`. " +
            $"Harness floor (`/bin/true` the same way): {_harnessFloorMs:0.0} ms. Server share of a one-shot (echo request from a warm client): {_serverMs:0.0} ms; local overhead = one-shot wall time − server share.").AppendLine();
        md.AppendLine("The preflight of gpt-4o-mini is exact, but a short prompt never loads the tokenizer: a byte count bounds the tokens and settles it. " +
            "The 120 KB prompt (more bytes than gpt-4o-mini's budget, ≈27k tokens) must be counted exactly; the same prompt to a model the catalog does not list is not counted, so the difference is the vocabulary load plus counting.").AppendLine();
        md.AppendLine("| build | how | size MB | `--version` | one-shot | local overhead | one-shot `--no-log` | one-shot, unlisted model | 120 KB prompt, exact count | 120 KB prompt, unlisted | vocabulary + count on the critical path |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in _results)
        {
            var t = r.Timings;
            md.AppendLine($"| **{r.Variant.Name}** | `{r.Variant.How}` | {r.Megabytes:0.0} | {Cell(t["version"])} | {Cell(t["oneshot"])} | {Overhead(r):0.0} ms | {Cell(t["oneshot_nolog"])} | {Cell(t["oneshot_unlisted"])} | {Cell(t["large_exact"])} | {Cell(t["large_unlisted"])} | {(double.IsNaN(VocabularyOnCriticalPath(r)) ? "—" : $"{VocabularyOnCriticalPath(r):0} ms")} |");
        }

        md.AppendLine();
        if (_results.Count > 1)
        {
            var fastest = _results.Where(r => !double.IsNaN(r.Timings["oneshot"].WallMs)).MinBy(r => r.Timings["oneshot"].WallMs);
            if (fastest is not null)
            {
                md.AppendLine($"Fastest build: **{fastest.Variant.Name}** (one-shot {fastest.Timings["oneshot"].WallMs:0.0} ms, `--version` {fastest.Timings["version"].WallMs:0.0} ms).").AppendLine();
            }
        }

        var failures = _results.SelectMany(r => r.Timings.Where(t => t.Value.Error is not null).Select(t => $"- {r.Variant.Name}, {t.Key}: {TargetCheck.Cell(t.Value.Error!)}")).ToArray();
        foreach (var failure in failures)
        {
            md.AppendLine(failure);
        }

        if (failures.Length > 0)
        {
            md.AppendLine();
        }

        md.AppendLine("### Does every feature work in each build?").AppendLine();
        md.Append("| feature |");
        foreach (var r in _results)
        {
            md.Append($" {r.Variant.Name} |");
        }

        md.AppendLine().Append("|---|").AppendLine(string.Concat(_results.Select(_ => "---|")));
        foreach (var feature in _results[0].Features.Select(f => f.Feature))
        {
            md.Append($"| {feature} |");
            foreach (var r in _results)
            {
                var f = r.Features.Single(x => x.Feature == feature);
                md.Append(f.Works switch { true => " ok |", false => $" **fails**: {f.Detail} |", null => $" n/a: {f.Detail} |" });
            }

            md.AppendLine();
        }

        md.AppendLine();
        if (_aotWarningsRead && _aotWarnings.Length == 0)
        {
            md.AppendLine("The NativeAOT publish reports no trim/AOT analysis warnings (they are errors under the repository's `TreatWarningsAsErrors`).").AppendLine();
        }
        else if (_aotWarnings.Length > 0)
        {
            md.AppendLine($"The NativeAOT publish reports {_aotWarnings.Length} distinct trim/AOT analysis warnings:").AppendLine();
            foreach (var warning in _aotWarnings)
            {
                md.AppendLine($"- `` {warning.Trim()} ``");
            }

            md.AppendLine();
        }
    }

    private static string Cell(Timing t) => t.Error is not null ? "**fails**" : $"{t.WallMs:0.0} ms ({t.CpuMs:0})";
}
