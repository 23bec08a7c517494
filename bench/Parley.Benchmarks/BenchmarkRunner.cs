using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary><c>run</c>: every benchmark in turn, then BENCHMARKS.md (and the metrics as JSON for the smoke test).</summary>
internal static class BenchmarkRunner
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var machine = await MachineInfo.ReadAsync();
        var work = Path.Combine(Path.GetTempPath(), "parley-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        var streaming = new StreamingBenchmark();
        var tokens = new TokenCountingBenchmark();
        var bookkeeping = new BookkeepingBenchmark();
        var startup = new StartupBenchmark();
        var memory = new MemoryBenchmark();
        var gateway = new GatewayBenchmark();
        var replicas = new ReplicaBenchmark();
        if (settings.Only == "gateway")
        {
            return await RunOnlyAsync(settings, gateway, GatewayBenchmark.Heading, "Gateway", server => gateway.RunAsync(settings, server, work), work);
        }

        if (settings.Only == "gateway-conversation")
        {
            try
            {
                await using var server = await LoopbackServerProcess.StartAsync(settings.ServerDll);
                await gateway.RunConversationAsync(settings, server, work);
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }

            await WriteMetricsAsync(settings, [gateway], settings.Smoke ? check => check with { Pass = null } : check => check);
            return 0;
        }

        if (settings.Only == "replicas")
        {
            return await RunOnlyAsync(settings, replicas, ReplicaBenchmark.Heading, "Replicas", server => replicas.RunAsync(settings, server, work), work);
        }

        try
        {
            await using var server = await LoopbackServerProcess.StartAsync(settings.ServerDll);
            Console.Error.WriteLine($"loopback server at {server.BaseUrl}");
            Console.Error.WriteLine("1/7 streaming");
            await streaming.RunAsync(settings, server);
            Console.Error.WriteLine("2/7 token counting");
            await tokens.RunAsync(settings, work);
            Console.Error.WriteLine("3/7 bookkeeping");
            await bookkeeping.RunAsync(settings);
            Console.Error.WriteLine("4/7 start-up");
            await startup.RunAsync(settings, server);
            Console.Error.WriteLine("5/7 memory");
            await memory.RunAsync(settings, server);
            Console.Error.WriteLine("6/7 gateway");
            await gateway.RunAsync(settings, server, work);
            Console.Error.WriteLine("7/7 replicas");
            await replicas.RunAsync(settings, server, work);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        IBenchmarkSection[] sections = [streaming, tokens, bookkeeping, startup, memory, gateway, replicas];
        Func<TargetCheck, TargetCheck> judge = settings.Smoke ? check => check with { Pass = null } : check => check;
        var loadAfter = MachineInfo.ReadLoadAverage();
        var markdown = Render(settings, machine, loadAfter, started, watch.Elapsed, sections, judge);
        if (settings.MarkdownOut is { } path)
        {
            await File.WriteAllTextAsync(path, markdown);
            Console.Error.WriteLine($"wrote {path}");
        }

        await WriteMetricsAsync(settings, sections, judge);
        Console.Error.WriteLine($"done in {watch.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    private static async Task WriteMetricsAsync(BenchSettings settings, IBenchmarkSection[] sections, Func<TargetCheck, TargetCheck> judge)
    {
        var metrics = new SortedDictionary<string, double?>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            section.AddMetrics(metrics);
        }

        if (settings.JsonOut is { } json)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(metrics, BenchJson.Default.SortedDictionaryStringNullableDouble));
            Console.Error.WriteLine($"wrote {json}");
        }

        foreach (var check in sections.SelectMany(s => s.Targets).Select(judge))
        {
            Console.Error.WriteLine($"{check.Verdict,-4}  {check.Benchmark}: {check.Target}: {check.Measured.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>
    /// <c>--only gateway</c> or <c>--only replicas</c>: that section alone, spliced into the existing Markdown file (its
    /// section and its rows of the targets table, those starting <c>| benchmark |</c>, replaced; everything else kept).
    /// </summary>
    private static async Task<int> RunOnlyAsync(BenchSettings settings, IBenchmarkSection only, string heading, string benchmark, Func<LoopbackServerProcess, Task> run, string work)
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            await using var server = await LoopbackServerProcess.StartAsync(settings.ServerDll);
            Console.Error.WriteLine($"loopback server at {server.BaseUrl}");
            await run(server);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        Func<TargetCheck, TargetCheck> judge = settings.Smoke ? check => check with { Pass = null } : check => check;
        if (settings.MarkdownOut is { } path)
        {
            var section = new StringBuilder();
            only.WriteMarkdown(section);
            section.Insert(section.ToString().IndexOf('\n', StringComparison.Ordinal) + 1,
                $"\n*This section: `{settings.Command}`, {started:yyyy-MM-dd HH:mm} UTC (the rest of the file is from the run above).*\n");
            var rows = only.Targets.Select(judge).Select(c => $"| {c.Benchmark} | {c.Target} | {TargetCheck.Cell(c.Measured)} | **{c.Verdict}** |").ToList();
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : string.Empty;
            await File.WriteAllTextAsync(path, SpliceSection(existing, heading, benchmark, section.ToString(), rows));
            Console.Error.WriteLine($"wrote {path} ({benchmark} section)");
        }

        await WriteMetricsAsync(settings, [only], judge);
        return 0;
    }

    private static string SpliceSection(string markdown, string heading, string benchmark, string section, IReadOnlyList<string> targetRows)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        lines.RemoveAll(l => l.StartsWith($"| {benchmark} |", StringComparison.Ordinal));
        var targets = lines.IndexOf("## Targets");
        if (targets >= 0)
        {
            var end = lines.FindIndex(targets + 2, string.IsNullOrEmpty);
            lines.InsertRange(end < 0 ? lines.Count : end, targetRows);
        }

        var text = string.Join('\n', lines);
        var start = text.IndexOf(heading, StringComparison.Ordinal);
        var reproduce = text.IndexOf("## Reproduce", StringComparison.Ordinal);
        if (start >= 0)
        {
            var next = text.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
            return text[..start] + section + (next < 0 ? string.Empty : text[(next + 1)..]);
        }

        return reproduce >= 0 ? text[..reproduce] + section + text[reproduce..] : text + "\n" + section;
    }

    private static string Render(BenchSettings settings, MachineInfo machine, string loadAfter, DateTimeOffset started, TimeSpan elapsed, IBenchmarkSection[] sections, Func<TargetCheck, TargetCheck> judge)
    {
        var md = new StringBuilder();
        md.AppendLine("# Parley benchmarks").AppendLine();
        md.AppendLine("<!-- Generated by bench/run.sh (bench/Parley.Benchmarks/BenchmarkRunner.cs); do not edit by hand, run it again. -->").AppendLine();
        md.AppendLine("Every claim below was measured in one run against its peers on the same work, and is shown as a ratio. Tests never time anything: " +
            "CI runs the smoke mode (`bash bench/run.sh --smoke`, tiny sizes) only to check that every peer still produces a number.").AppendLine();
        md.AppendLine($"- **Command:** `{settings.Command}`{(settings.Smoke ? " — **smoke run: tiny sizes, numbers are not meaningful**" : string.Empty)}");
        md.AppendLine($"- **Date:** {started:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalMinutes:0.0} min");
        md.AppendLine($"- **Machine:** {machine.Cores} cores (`nproc`), {machine.Cpu}, {machine.MemoryGiB:0.0} GiB; {machine.Os}; {machine.DotNet}; Node {machine.Node}");
        md.AppendLine($"- **Load average** (1/5/15 min) at start {machine.LoadAverage}, at end {loadAfter}. The machine is shared with other engineers' builds and test runs (a load average above {machine.Cores} means they competed for its {machine.Cores} cores): absolute numbers are noisy; the ratios (same run, same conditions, peers interleaved) are what to read, and CPU time is less disturbed than wall time.");
        md.AppendLine($"- **Peers:** OpenAI .NET SDK {typeof(OpenAI.Chat.ChatClient).Assembly.GetName().Version}, Microsoft.Extensions.AI {typeof(Microsoft.Extensions.AI.IChatClient).Assembly.GetName().Version}, npm `openai`, `tiktoken`, `js-tiktoken` at the versions pinned in `bench/node/package.json` (installed by the script with `npm ci` into a temporary folder).");
        md.AppendLine();
        md.AppendLine("## Targets").AppendLine();
        md.AppendLine("| benchmark | target | measured | verdict |");
        md.AppendLine("|---|---|---|:-:|");
        foreach (var check in sections.SelectMany(s => s.Targets).Select(judge))
        {
            md.AppendLine($"| {check.Benchmark} | {check.Target} | {TargetCheck.Cell(check.Measured)} | **{check.Verdict}** |");
        }

        md.AppendLine();
        foreach (var section in sections)
        {
            section.WriteMarkdown(md);
        }

        md.AppendLine("## Reproduce").AppendLine();
        md.AppendLine("```sh");
        md.AppendLine("bash bench/run.sh            # everything (publishes the CLI builds, installs the Node peers), rewrites BENCHMARKS.md");
        md.AppendLine("bash bench/run.sh --smoke    # tiny sizes, < 1 min once built; writes bench/artifacts/smoke/ (the CI test runs this)");
        md.AppendLine("bash bench/run.sh --only gateway   # the gateway section alone (needs wrk: apt-get install wrk), spliced into BENCHMARKS.md");
        md.AppendLine("bash bench/run.sh --only replicas  # replicas on PostgreSQL alone (needs wrk and postgresql), spliced into BENCHMARKS.md");
        md.AppendLine("bash bench/run.sh --only gateway-conversation  # the gateway's 1,000-message conversation row alone (framework-dependent build), printed only");
        md.AppendLine("```");
        return md.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
