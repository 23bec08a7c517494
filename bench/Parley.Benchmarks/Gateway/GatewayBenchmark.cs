using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Benchmarks;

/// <summary>
/// The gateway (<c>parley serve</c>, default configuration: a virtual key with a budget, saving, metrics) against the
/// same load sent directly to the loopback server: added latency, throughput with wrk, streaming CPU and memory.
/// </summary>
internal sealed class GatewayBenchmark : IBenchmarkSection
{
    public const string Heading = "## 6. Gateway (`parley serve`)";
    private const double P50TargetMs = 0.3;
    private const string ConversationHeader = "X-Parley-Conversation";
    private const string NoAuthSuffix = " `--no-auth` (for comparison: no key, no budget)";

    private readonly List<LatencyResult> _latency = [];
    private readonly List<(string Route, string Build, WrkResult? Result, string? Error)> _throughput = [];
    private readonly List<(string Build, double CpuUsPerChunk, double ChunksPerSecond, string? Error)> _streaming = [];
    private readonly List<(string Build, double IdleMiB, double OpenMiB, double PeakMiB, string? Error)> _memory = [];
    private readonly Dictionary<string, double> _conversationCpu = [];
    private string? _conversation;
    private int _latencyCount;
    private int _wrkSeconds;
    private int _streamChunks;
    private int _openStreams;
    private string _load = "?";
    private bool _smoke;

    private sealed record LatencyResult(string Build, double DirectP50, double DirectP99, double GatewayP50, double GatewayP99, string? Error)
    {
        public double AddedP50 => GatewayP50 - DirectP50;

        public double AddedP99 => GatewayP99 - DirectP99;
    }

    /// <summary>The builds measured: every variant except ReadyToRun (the issue asks for NativeAOT and framework-dependent).</summary>
    public static IEnumerable<CliVariant> Builds(BenchSettings settings) =>
        settings.Variants.Where(v => !v.Name.Equals("ReadyToRun", StringComparison.Ordinal));

    public async Task RunAsync(BenchSettings settings, LoopbackServerProcess server, string work)
    {
        _smoke = settings.Smoke;
        _latencyCount = settings.Smoke ? 100 : 5_000;
        _wrkSeconds = settings.Smoke ? 2 : 30;
        _streamChunks = settings.Smoke ? 2_000 : 200_000;
        _openStreams = settings.Smoke ? 50 : 1_000;
        var loadBefore = MachineInfo.ReadLoadAverage();
        var wrk = File.Exists("/usr/bin/wrk") ? "/usr/bin/wrk" : FindOnPath("wrk");
        var script = Path.Combine(work, "post.lua");

        // Direct throughput once: the loopback server alone.
        await server.ResetAsync();
        await File.WriteAllTextAsync(script, WrkScript("sk-bench-0123456789", null));
        _throughput.Add(await WrkAsync("direct", "—", wrk, server.BaseUrl, script));
        foreach (var build in Builds(settings))
        {
            await server.ResetAsync();
            GatewayProcess gateway;
            try
            {
                gateway = await GatewayProcess.StartAsync(build, server);
            }
            catch (InvalidOperationException e)
            {
                _latency.Add(new LatencyResult(build.Name, double.NaN, double.NaN, double.NaN, double.NaN, e.Message));
                Console.Error.WriteLine($"  gateway {build.Name}: FAILS {e.Message}");
                continue;
            }

            await using (gateway)
            {
                Console.Error.WriteLine($"  gateway {build.Name} at {gateway.BaseUrl} (pid {gateway.Pid})");
                await MeasureLatencyAsync(build, server, gateway);
                await server.ResetAsync();
                await File.WriteAllTextAsync(script, WrkScript(gateway.Key, null));
                _throughput.Add(await WrkAsync("gateway", build.Name, wrk, gateway.BaseUrl, script));
                await server.ResetAsync();
                await MeasureConversationAsync(build, server, gateway, wrk, script);
                await server.ResetAsync();
                await MeasureStreamingAsync(build, server, gateway);
                await server.ResetAsync();
                await MeasureOpenStreamsAsync(build, server, gateway);
                await server.ResetAsync();
            }

            // For comparison, not a target: the same latency with --no-auth (no key lookup, no budget reservation or settlement).
            await using (var open = await GatewayProcess.StartAsync(build, server, noAuth: true))
            {
                await MeasureLatencyAsync(build with { Name = build.Name + NoAuthSuffix }, server, open);
                await server.ResetAsync();
            }
        }

        _load = $"{loadBefore} at the start of this section, {MachineInfo.ReadLoadAverage()} at its end";
    }

    /// <summary>
    /// <c>--only gateway-conversation</c>: the throughput row through one 1,000-message conversation alone, for each build
    /// (no latency, plain throughput, streaming or memory runs); reported on stderr and in the JSON metrics only.
    /// </summary>
    public async Task RunConversationAsync(BenchSettings settings, LoopbackServerProcess server, string work)
    {
        _smoke = settings.Smoke;
        _wrkSeconds = settings.Smoke ? 2 : 30;
        var wrk = File.Exists("/usr/bin/wrk") ? "/usr/bin/wrk" : FindOnPath("wrk");
        var script = Path.Combine(work, "post.lua");
        foreach (var build in Builds(settings))
        {
            await server.ResetAsync();
            await using var gateway = await GatewayProcess.StartAsync(build, server);
            Console.Error.WriteLine($"  gateway {build.Name} at {gateway.BaseUrl} (pid {gateway.Pid}); load average {MachineInfo.ReadLoadAverage()}");
            await MeasureConversationAsync(build, server, gateway, wrk, script);
            await server.ResetAsync();
        }
    }

    private async Task MeasureLatencyAsync(CliVariant build, LoopbackServerProcess server, GatewayProcess gateway)
    {
        var run = await ChildProcess.RunAsync(ChildProcess.Harness, ["gateway-client", "latency", server.BaseUrl.ToString(), gateway.BaseUrl.ToString(), gateway.Key, N(_latencyCount), N(_smoke ? 20 : 1_000)]);
        var values = run.Succeeded ? run.Stdout.Trim().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray() : [];
        var result = values.Length == 4
            ? new LatencyResult(build.Name, values[0], values[1], values[2], values[3], null)
            : new LatencyResult(build.Name, double.NaN, double.NaN, double.NaN, double.NaN, run.Describe("gateway-client latency"));
        _latency.Add(result);
        Console.Error.WriteLine($"  gateway {build.Name} latency: direct p50 {result.DirectP50:0.000} p99 {result.DirectP99:0.000}, gateway p50 {result.GatewayP50:0.000} p99 {result.GatewayP99:0.000} ms {result.Error}");
    }

    private async Task<(string, string, WrkResult?, string?)> WrkAsync(string route, string build, string? wrk, Uri baseUrl, string script)
    {
        if (wrk is null)
        {
            return (route, build, null, "wrk is not installed (apt-get install wrk)");
        }

        var run = await ChildProcess.RunAsync(wrk, ["-t2", "-c64", $"-d{_wrkSeconds}s", "--latency", "-s", script, new Uri(baseUrl, "v1/chat/completions").ToString()]);
        if (!run.Succeeded)
        {
            return (route, build, null, run.Describe("wrk"));
        }

        var result = WrkResult.Parse(run.Stdout);
        Console.Error.WriteLine($"  wrk {route} {build}: {result.RequestsPerSecond:0} req/s, p99 {result.P99Ms:0.00} ms, {result.Requests} requests, {result.Errors} errors");
        return (route, build, result, null);
    }

    /// <summary>
    /// Throughput through one 1,000-message conversation: only when the gateway keeps conversations
    /// (<c>X-Parley-Conversation</c>), which is probed: a second request under the same id must reach the upstream with
    /// the first exchange in front of it.
    /// </summary>
    private async Task MeasureConversationAsync(CliVariant build, LoopbackServerProcess server, GatewayProcess gateway, string? wrk, string script)
    {
        using var client = new HttpClient { BaseAddress = gateway.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new("Bearer", gateway.Key);
        var id = "bench-" + Guid.NewGuid().ToString("N")[..8];
        async Task SendAsync(string text)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent($$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{text}}"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(ConversationHeader, id);
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        await SendAsync("first question");
        await SendAsync("second question");
        using var control = new HttpClient { BaseAddress = server.BaseUrl };
        var recorded = JsonNode.Parse(await control.GetStringAsync("_loopback/requests")) as JsonArray;
        var last = JsonNode.Parse(recorded?.LastOrDefault()?["body"]?.GetValue<string>() ?? "{}")?["messages"];
        var carried = last is JsonArray messages && messages.Count > 1;
        if (!carried)
        {
            _conversation ??= $"n/a: not built yet (the gateway did not carry a conversation under `{ConversationHeader}`: the upstream received {(last as JsonArray)?.Count.ToString(CultureInfo.InvariantCulture) ?? "?"} message(s) on the second request)";
            _throughput.Add(("gateway, 1,000-message conversation", build.Name, null, _conversation));
            Console.Error.WriteLine($"  gateway {build.Name} conversation: {_conversation}");
            return;
        }

        for (var i = 2; i < 500; i++)
        {
            await SendAsync($"question {i}");
        }

        await server.ResetAsync();
        await File.WriteAllTextAsync(script, WrkScript(gateway.Key, id));
        var cpuBefore = gateway.CpuTime();
        var row = await WrkAsync("gateway, 1,000-message conversation", build.Name, wrk, gateway.BaseUrl, script);
        _throughput.Add(row);
        if (row.Item3 is { Requests: > 0 } result)
        {
            // CPU time is less disturbed by other work on the machine than requests/s: the gateway's own cost per turn.
            var cpuMs = (gateway.CpuTime() - cpuBefore).TotalMilliseconds / result.Requests;
            _conversationCpu[build.Name] = cpuMs;
            Console.Error.WriteLine($"  gateway {build.Name} conversation: {cpuMs:0.00} ms of gateway CPU per request (user+sys over the wrk run)");
        }
    }

    private async Task MeasureStreamingAsync(CliVariant build, LoopbackServerProcess server, GatewayProcess gateway)
    {
        async Task<(double Cpu, double Seconds, string? Error)> StreamAsync(int chunks)
        {
            await server.EnqueueManyAsync(chunks);
            var before = gateway.CpuTime();
            var watch = Stopwatch.StartNew();
            var run = await ChildProcess.RunAsync(ChildProcess.Harness, ["gateway-client", "stream", gateway.BaseUrl.ToString(), gateway.Key]);
            var seconds = watch.Elapsed.TotalSeconds;
            await Task.Delay(200); // the history write after the stream
            var cpu = (gateway.CpuTime() - before).TotalSeconds;
            return run.Succeeded && long.TryParse(run.Stdout.Trim(), out var lines) && lines >= chunks
                ? (cpu, seconds, null)
                : (cpu, seconds, run.Describe("gateway-client stream"));
        }

        await StreamAsync(1);
        var best = double.PositiveInfinity;
        var bestSeconds = 0.0;
        string? error = null;
        for (var rep = 0; rep < (_smoke ? 1 : 3); rep++)
        {
            var small = await StreamAsync(1);
            var full = await StreamAsync(_streamChunks);
            error ??= small.Error ?? full.Error;
            var perChunk = (full.Cpu - small.Cpu) / (_streamChunks - 1) * 1e6;
            if (perChunk < best)
            {
                best = perChunk;
                bestSeconds = full.Seconds;
            }
        }

        _streaming.Add((build.Name, best, _streamChunks / bestSeconds, error));
        Console.Error.WriteLine($"  gateway {build.Name} streaming: {best:0.00} µs CPU per chunk in the gateway {error}");
    }

    private async Task MeasureOpenStreamsAsync(CliVariant build, LoopbackServerProcess server, GatewayProcess gateway)
    {
        await server.EnqueueAsync($$"""{"type":"text","content":"one two three","chunks":["one"," two"," three"],"stall_after":1,"times":{{_openStreams}}}""");
        var idle = gateway.ResidentMiB();
        var start = new ProcessStartInfo(ChildProcess.Harness)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "gateway-client", "hold", gateway.BaseUrl.ToString(), gateway.Key, N(_openStreams) })
        {
            start.ArgumentList.Add(arg);
        }

        using var holder = Process.Start(start)!;
        var stderr = holder.StandardError.ReadToEndAsync();
        string? line;
        try
        {
            line = await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            line = null;
        }

        if (line != $"open {_openStreams}")
        {
            holder.Kill();
            _memory.Add((build.Name, idle, double.NaN, double.NaN, $"the streams did not all open: {line} {await stderr}".Trim()));
            return;
        }

        await Task.Delay(1000);
        var open = gateway.ResidentMiB();
        var peak = gateway.PeakResidentMiB();
        holder.StandardInput.Close();
        await holder.WaitForExitAsync();
        _memory.Add((build.Name, idle, open, peak, null));
        Console.Error.WriteLine($"  gateway {build.Name} memory: {idle:0.0} MiB idle, {open:0.0} MiB with {_openStreams} open streams (peak {peak:0.0})");
        await server.ResetAsync();
    }

    internal static string WrkScript(string key, string? conversation)
    {
        var body = GatewayClientCommand.Body.Replace("\"", "\\\"", StringComparison.Ordinal);
        var extra = conversation is null ? string.Empty : $"wrk.headers[\"{ConversationHeader}\"] = \"{conversation}\"\n";
        return $"""
            -- POST a small non-streaming chat request (written by bench/Parley.Benchmarks/Gateway/GatewayBenchmark.cs)
            wrk.method = "POST"
            wrk.body = "{body}"
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer {key}"
            {extra}
            """;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    public IEnumerable<TargetCheck> Targets
    {
        get
        {
            foreach (var r in _latency.Where(r => !r.Build.EndsWith(NoAuthSuffix, StringComparison.Ordinal)))
            {
                yield return new TargetCheck("Gateway", $"added latency p50 ≤ {P50TargetMs} ms (sequential, keep-alive) — {r.Build}",
                    r.Error ?? $"p50 +{r.AddedP50:0.000} ms ({r.GatewayP50:0.000} vs {r.DirectP50:0.000} direct); p99 +{r.AddedP99:0.000} ms",
                    r.Error is null ? r.AddedP50 <= P50TargetMs : false);
            }

            foreach (var (route, build, result, error) in _throughput.Where(t => t.Route != "direct"))
            {
                yield return new TargetCheck("Gateway", $"zero errors at 64 connections for {_wrkSeconds} s — {route}, {build}",
                    error ?? $"{result!.Errors} errors in {result.Requests:N0} requests ({result.RequestsPerSecond:N0} req/s, p99 {result.P99Ms:0.00} ms)",
                    error is null ? result!.Errors == 0 : error.StartsWith("n/a", StringComparison.Ordinal) ? null : false);
            }
        }
    }

    public void AddMetrics(IDictionary<string, double?> metrics)
    {
        foreach (var r in _latency.Where(r => !r.Build.EndsWith(NoAuthSuffix, StringComparison.Ordinal)))
        {
            metrics[$"gateway/{r.Build}/added_p50_ms"] = r.Error is null ? r.AddedP50 : null;
            metrics[$"gateway/{r.Build}/added_p99_ms"] = r.Error is null ? r.AddedP99 : null;
        }

        foreach (var (route, build, result, _) in _throughput.Where(t => !t.Route.Contains("conversation", StringComparison.Ordinal)))
        {
            metrics[route == "direct" ? "gateway/direct/rps" : $"gateway/{build}/rps"] = result?.RequestsPerSecond;
            metrics[route == "direct" ? "gateway/direct/errors" : $"gateway/{build}/errors"] = result?.Errors;
        }

        foreach (var (_, build, result, _) in _throughput.Where(t => t.Route.Contains("conversation", StringComparison.Ordinal)))
        {
            metrics[$"gateway/{build}/conversation_rps"] = result?.RequestsPerSecond;
            metrics[$"gateway/{build}/conversation_errors"] = result?.Errors;
            metrics[$"gateway/{build}/conversation_cpu_ms_per_request"] = _conversationCpu.TryGetValue(build, out var cpu) ? cpu : null;
        }

        foreach (var (build, cpu, _, error) in _streaming)
        {
            metrics[$"gateway/{build}/stream_cpu_us_per_chunk"] = error is null ? cpu : null;
        }

        foreach (var (build, _, open, _, error) in _memory)
        {
            metrics[$"gateway/{build}/open_streams_rss_mib"] = error is null ? open : null;
        }
    }

    public void WriteMarkdown(StringBuilder md)
    {
        md.AppendLine(Heading).AppendLine();
        md.AppendLine("The loopback server runs in its own process as the upstream; `parley serve` runs in its own process in the default configuration: " +
            "a virtual key (`parley keys create bench --daily-usd 1000000 --monthly-usd 1000000`) whose budget is checked and reserved on every request, exchanges saved to SQLite, metrics on. " +
            "On SQLite the reservation comes from the key's in-process lease (`LeasedBudgetLedger`: one atomic reservation in the database holds about 32 requests' worst case; the real spend replaces it when the lease closes), so a request writes nothing to the database before it is answered; the exchange is saved after. " +
            "The same load goes to the loopback server directly and through the gateway, in the same run. " +
            $"Machine: {Environment.ProcessorCount} cores (`nproc`) shared by the three processes and by other engineers' builds; load average (1/5/15 min): {_load} " +
            $"(above {Environment.ProcessorCount}, other work competed for the cores: wall-clock latencies and requests/s are inflated by it, the direct route as much as the gateway).").AppendLine();

        md.AppendLine("### Added latency (sequential, keep-alive)").AppendLine();
        md.AppendLine($"A .NET client in its own process (`gateway-client latency`, `HttpClient`, one kept-alive connection per route) sends {_latencyCount:N0} non-streaming requests to each route after {(_smoke ? 20 : 1_000):N0} warm-up ones, " +
            "alternating direct and through the gateway request by request. Added = gateway percentile − direct percentile. Target: added p50 ≤ 0.3 ms. " +
            "The `--no-auth` rows (not the default configuration, so not judged) show what the key path costs: the key lookup (cached for a second), the budget reservation from the lease and its settlement in memory, and a database write for about one request in 32 (a new lease).").AppendLine();
        md.AppendLine("| build | direct p50 ms | direct p99 ms | gateway p50 ms | gateway p99 ms | added p50 ms | added p99 ms | p50 target |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|:-:|");
        foreach (var r in _latency)
        {
            md.AppendLine(r.Error is null
                ? $"| {r.Build} | {r.DirectP50:0.000} | {r.DirectP99:0.000} | {r.GatewayP50:0.000} | {r.GatewayP99:0.000} | **{r.AddedP50:0.000}** | {r.AddedP99:0.000} | {(_smoke || r.Build.EndsWith(NoAuthSuffix, StringComparison.Ordinal) ? "n/a" : r.AddedP50 <= P50TargetMs ? "PASS" : "FAIL")} |"
                : $"| {r.Build} | **fails** {TargetCheck.Cell(r.Error)} | | | | | | FAIL |");
        }

        md.AppendLine();
        md.AppendLine($"### Throughput (wrk, 64 connections, {_wrkSeconds} s)").AppendLine();
        md.AppendLine($"`wrk -t2 -c64 -d{_wrkSeconds}s --latency -s post.lua URL` (wrk 4 from Debian, its own process; the Lua script POSTs the same small non-streaming request with the key). " +
            "The load generator, the gateway and the upstream share the machine's cores, so the gateway's figure is bounded by the upstream's and by wrk's own share. " +
            $"The conversation row sends every request under one `{ConversationHeader}` id that already holds 1,000 messages.").AppendLine();
        md.AppendLine("| route | build | requests/s | p99 ms | requests | non-2xx | socket errors |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (route, build, result, error) in _throughput)
        {
            md.AppendLine(result is not null
                ? $"| {route} | {build} | {result.RequestsPerSecond:N0} | {result.P99Ms:0.00} | {result.Requests:N0} | {result.Non2xx} | {result.SocketErrors} |"
                : $"| {route} | {build} | {TargetCheck.Cell(error ?? "?")} | | | | |");
        }

        md.AppendLine();
        md.AppendLine("### Streaming pass-through").AppendLine();
        md.AppendLine($"The loopback server streams {_streamChunks:N0} one-character chunks as fast as it can; a client process reads them through the gateway. " +
            "CPU per chunk = the gateway process's user+sys CPU (`/proc/PID/stat`, 10 ms ticks) over the full stream minus the same over a 1-chunk stream, ÷ (chunks − 1); best of 3. " +
            "Directly, there is no gateway process: the direct figure is 0, so this is the gateway's added CPU per chunk (the client does the same work on both routes). No target was set; for the record.").AppendLine();
        md.AppendLine("| build | gateway CPU µs/chunk | chunks/s through the gateway |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (build, cpu, rate, error) in _streaming)
        {
            md.AppendLine(error is null ? $"| {build} | {cpu:0.00} | {rate:N0} |" : $"| {build} | **fails** {TargetCheck.Cell(error)} | |");
        }

        md.AppendLine();
        md.AppendLine($"### Memory with {_openStreams:N0} open streams").AppendLine();
        md.AppendLine($"A client process opens {_openStreams:N0} streaming requests at once through the gateway; the loopback server sends each one chunk and then holds it open. " +
            "Once every stream has received its first chunk (and 1 s more), the gateway's resident set (`VmRSS`) is read; idle = before the streams, after the runs above. No target was set; for the record.").AppendLine();
        md.AppendLine("| build | idle RSS MiB | RSS with the streams open MiB | peak RSS (VmHWM) MiB |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (build, idle, open, peak, error) in _memory)
        {
            md.AppendLine(error is null ? $"| {build} | {idle:0.0} | {open:0.0} | {peak:0.0} |" : $"| {build} | **fails** {TargetCheck.Cell(error)} | | |");
        }

        md.AppendLine();
        md.AppendLine("Reproduce this section alone (keeps the rest of BENCHMARKS.md): `bash bench/run.sh --only gateway`.").AppendLine();
    }
}
