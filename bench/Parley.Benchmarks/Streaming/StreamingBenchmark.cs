using System.Text;
using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>
/// Streaming overhead: each peer consumes a streamed completion of N one-character chunks from the loopback server
/// (its own process) as its own process, under <see cref="MeasureCommand"/>. CPU per chunk is the CPU time of that
/// process minus the CPU time of the same peer consuming a 1-chunk stream (start-up, connection, JIT and tokenizer
/// load cancel out), divided by N − 1; the best (lowest) of the repetitions counts. Allocation per chunk is taken
/// the same way from <c>GC.GetTotalAllocatedBytes(true)</c> (.NET peers). Chunks per second is measured inside
/// each consumer, from the first content chunk to the end of the stream (best repetition).
/// </summary>
internal sealed class StreamingBenchmark : IBenchmarkSection
{
    private readonly List<PeerResult> _peers = [];
    private int _chunks;
    private int _reps;

    private sealed record Peer(string Name, string Description, string Executable, Func<int, string[]> Arguments);

    private sealed record Sample(StreamPeerResult Result, MeasuredUsage Usage);

    private sealed record PeerResult(Peer Peer, Sample[] Base, Sample[] Full, int Chunks)
    {
        public double CpuPerChunkUs => (Full.Min(s => s.Usage.CpuSeconds) - Base.Min(s => s.Usage.CpuSeconds)) / (Chunks - 1) * 1e6;

        public double? BytesPerChunk => Full[0].Result.Allocated is null || Base[0].Result.Allocated is null
            ? null
            : (Full.Min(s => s.Result.Allocated!.Value) - Base.Min(s => s.Result.Allocated!.Value)) / (double)(Chunks - 1);

        public double ChunksPerSecond => Full.Max(s => s.Result.Seconds > 0 ? s.Result.Chunks / s.Result.Seconds : 0);

        public double BaseCpuMs => Base.Min(s => s.Usage.CpuSeconds) * 1e3;

        public double FullCpuMs => Full.Min(s => s.Usage.CpuSeconds) * 1e3;

        public double PeakRssMiB => Full.Min(s => s.Usage.MaxRssKb) / 1024.0;
    }

    public async Task RunAsync(BenchSettings settings, LoopbackServerProcess server)
    {
        _chunks = settings.StreamChunks;
        _reps = settings.StreamReps;
        var url = server.BaseUrl.ToString();
        var node = Path.Combine(settings.NodeDirectory, "stream.mjs");
        Peer[] peers =
        [
            new("parley", "Parley `ChatSession.StreamAsync` (memory, usage, cost, exact preflight) over `ChatClientFactory` + the CLI's resilience middleware", ChildProcess.Harness, n => ["stream-peer", "parley", url, n.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
            new("openai-dotnet", "official OpenAI .NET SDK `ChatClient.CompleteChatStreamingAsync`", ChildProcess.Harness, n => ["stream-peer", "openai-dotnet", url, n.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
            new("meai", "for reference: the same SDK behind Microsoft.Extensions.AI's `OpenAIChatClient` adapter (`AsIChatClient`), which Parley builds on, and nothing else", ChildProcess.Harness, n => ["stream-peer", "meai", url, n.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
            new("openai-node", "official `openai` Node SDK `chat.completions.create({stream: true})`", "node", n => [node, url, n.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
            new("httpclient", "floor: `HttpClient` + `StreamReader.ReadLineAsync`, counts `data:` lines, no JSON parsing", ChildProcess.Harness, n => ["stream-peer", "httpclient", url, n.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
        ];

        var samples = peers.ToDictionary(p => p.Name, _ => (Base: new List<Sample>(), Full: new List<Sample>()));
        for (var rep = 0; rep < _reps; rep++)
        {
            // Round-robin, so that a burst of load from other processes hits every peer alike.
            foreach (var peer in peers)
            {
                foreach (var chunks in new[] { 1, _chunks })
                {
                    await server.ResetAsync();
                    await server.EnqueueManyAsync(chunks);
                    var run = await ChildProcess.RunAsync(peer.Executable, peer.Arguments(chunks), measure: true);
                    if (!run.Succeeded || run.Usage is null)
                    {
                        throw new InvalidOperationException(run.Describe($"streaming peer {peer.Name} ({chunks} chunks)"));
                    }

                    var result = JsonSerializer.Deserialize(run.Stdout.Trim().Split('\n')[^1], BenchJson.Default.StreamPeerResult)
                        ?? throw new InvalidOperationException($"{peer.Name} printed no result");
                    var list = chunks == 1 ? samples[peer.Name].Base : samples[peer.Name].Full;
                    list.Add(new Sample(result, run.Usage));
                    Console.Error.WriteLine($"  streaming {peer.Name,-14} {chunks,7} chunks: cpu {run.Usage.CpuSeconds * 1e3,8:0.0} ms, {(result.Seconds > 0 ? result.Chunks / result.Seconds : 0),10:0} chunks/s");
                }
            }
        }

        foreach (var peer in peers)
        {
            _peers.Add(new PeerResult(peer, [.. samples[peer.Name].Base], [.. samples[peer.Name].Full], _chunks));
        }
    }

    private PeerResult Get(string name) => _peers.Single(p => p.Peer.Name == name);

    public IEnumerable<TargetCheck> Targets
    {
        get
        {
            var parley = Get("parley").CpuPerChunkUs;
            var sdk = Get("openai-dotnet").CpuPerChunkUs;
            var node = Get("openai-node").CpuPerChunkUs;
            yield return new TargetCheck("Streaming", "Parley CPU/chunk ≤ 1.2× OpenAI .NET SDK", $"{BenchSettings.Format(parley)} µs vs {BenchSettings.Format(sdk)} µs = {BenchSettings.Format(parley / sdk)}×", parley <= 1.2 * sdk);
            yield return new TargetCheck("Streaming", "Parley CPU/chunk < openai Node SDK", $"{BenchSettings.Format(parley)} µs vs {BenchSettings.Format(node)} µs = {BenchSettings.Format(parley / node)}×", parley < node);
        }
    }

    public void AddMetrics(IDictionary<string, double?> metrics)
    {
        foreach (var p in _peers)
        {
            metrics[$"streaming/{p.Peer.Name}/cpu_us_per_chunk"] = p.CpuPerChunkUs;
            metrics[$"streaming/{p.Peer.Name}/chunks_per_second"] = p.ChunksPerSecond;
            metrics[$"streaming/{p.Peer.Name}/peak_rss_mib"] = p.PeakRssMiB;
            if (p.Peer.Name != "openai-node")
            {
                metrics[$"streaming/{p.Peer.Name}/bytes_per_chunk"] = p.BytesPerChunk;
            }
        }
    }

    public void WriteMarkdown(StringBuilder md)
    {
        var parley = Get("parley");
        md.AppendLine($"## 1. Streaming overhead ({_chunks:N0} chunks)").AppendLine();
        md.AppendLine($"A loopback server in its own process streams {_chunks:N0} one-character chunks as fast as it can; each peer consumes it as its own process. " +
            $"CPU per chunk = (user+sys CPU of the process for {_chunks:N0} chunks − the same for a 1-chunk stream) / {_chunks - 1:N0}, read with getrusage(RUSAGE_CHILDREN) by a helper whose only child is the peer; best of {_reps}. " +
            "Bytes per chunk: the same subtraction on `GC.GetTotalAllocatedBytes(true)` (.NET peers). Chunks/s: first content chunk to end of stream, inside the peer, best run. " +
            "Ratios are Parley ÷ peer (CPU, bytes: lower is better for Parley below 1).").AppendLine();
        md.AppendLine("| peer | CPU µs/chunk | Parley ÷ peer | bytes/chunk | chunks/s | CPU ms (1 chunk → full) | peak RSS MiB (full) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var p in _peers)
        {
            var ratio = p.Peer.Name == "parley" ? "—" : BenchSettings.Format(parley.CpuPerChunkUs / p.CpuPerChunkUs) + "×";
            var bytes = p.BytesPerChunk is { } b ? BenchSettings.Format(b, "0") : "n/a (Node)";
            md.AppendLine($"| **{p.Peer.Name}** — {p.Peer.Description} | {BenchSettings.Format(p.CpuPerChunkUs)} | {ratio} | {bytes} | {p.ChunksPerSecond:N0} | {p.BaseCpuMs:0} → {p.FullCpuMs:0} | {p.PeakRssMiB:0} |");
        }

        md.AppendLine();
        var sdk = Get("openai-dotnet").CpuPerChunkUs;
        var meai = Get("meai").CpuPerChunkUs;
        md.AppendLine($"Where Parley's CPU per chunk goes: the OpenAI SDK's SSE reading and JSON deserialization {BenchSettings.Format(sdk)} µs; " +
            $"Microsoft.Extensions.AI's adapter (one `ChatResponseUpdate` per chunk, reasoning and refusal lookups in the raw JSON) {BenchSettings.Format(meai - sdk)} µs more ({BenchSettings.Format(meai / sdk)}× the SDK); " +
            $"Parley's own layers (error translation, first-choice filter, idle timeout, retry, session with memory, usage and cost) " +
            (parley.CpuPerChunkUs - meai > 0 ? $"{BenchSettings.Format(parley.CpuPerChunkUs - meai)} µs more." : $"nothing measurable ({BenchSettings.Format(parley.CpuPerChunkUs - meai)} µs: within the noise).")).AppendLine();
    }
}
