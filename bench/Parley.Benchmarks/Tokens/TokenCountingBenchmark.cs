using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>
/// Token counting: Parley's <see cref="TokenCounter"/> against npm <c>tiktoken</c> (WASM) and <c>js-tiktoken</c>
/// (pure JS), o200k_base, on the same generated files. Every peer is its own process running the same loop (see
/// <see cref="TokenPeerCommand"/> and bench/node/tokens.mjs); counts must be equal across peers.
/// </summary>
internal sealed class TokenCountingBenchmark : IBenchmarkSection
{
    private static readonly string[] PeerNames = ["parley", "tiktoken", "js-tiktoken"];
    private readonly Dictionary<string, Dictionary<string, TokenPeerLine>> _lines = [];
    private Dictionary<string, TokenPeerLine> _parleyRuns = [];
    private Dictionary<string, TokenPeerLine> _tiktokenRuns = [];
    private BenchSettings? _settings;

    public async Task RunAsync(BenchSettings settings, string workDirectory)
    {
        _settings = settings;
        var texts = Path.Combine(workDirectory, "texts");
        TokenTexts.Write(texts, settings.TextScale);
        var seconds = settings.TokenSeconds.ToString(CultureInfo.InvariantCulture);
        var reps = settings.TokenReps.ToString(CultureInfo.InvariantCulture);
        var script = Path.Combine(settings.NodeDirectory, "tokens.mjs");
        foreach (var peer in PeerNames)
        {
            var run = peer == "parley"
                ? await ChildProcess.RunAsync(ChildProcess.Harness, ["tokens-peer", texts, seconds, reps])
                : await ChildProcess.RunAsync("node", [script, peer, texts, seconds, reps]);
            if (!run.Succeeded)
            {
                throw new InvalidOperationException(run.Describe($"token peer {peer}"));
            }

            _lines[peer] = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonSerializer.Deserialize(line, BenchJson.Default.TokenPeerLine)!)
                .ToDictionary(line => line.Text);
            foreach (var line in _lines[peer].Values.Where(l => l.Mbps is not null))
            {
                Console.Error.WriteLine($"  tokens {peer,-12} {line.Text,-8} {line.Mbps,8:0.00} MB/s  {line.Tokens,9} tokens");
            }
        }

        // The worst case: runs without spaces. npm tiktoken counts only the 100 KB ones (its merge is quadratic).
        TokenTexts.WriteRuns(texts, settings.TextScale);
        var parleyRuns = await ChildProcess.RunAsync(ChildProcess.Harness, ["tokens-runs", texts, settings.Smoke ? "1" : "3"]);
        var tiktokenRuns = await ChildProcess.RunAsync("node", [script, "tiktoken-runs", texts]);
        foreach (var (peer, run) in new[] { ("parley", parleyRuns), ("tiktoken", tiktokenRuns) })
        {
            if (!run.Succeeded)
            {
                throw new InvalidOperationException(run.Describe($"token runs {peer}"));
            }
        }

        _parleyRuns = ParseLines(parleyRuns.Stdout);
        _tiktokenRuns = ParseLines(tiktokenRuns.Stdout);
        foreach (var line in _parleyRuns.Values.Concat(_tiktokenRuns.Values))
        {
            Console.Error.WriteLine($"  tokens runs {line.Text,-16} {1000 * line.Bytes / (line.Mbps * 1e6),9:0.0} ms  {line.Tokens,9} tokens");
        }
    }

    private static Dictionary<string, TokenPeerLine> ParseLines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize(line, BenchJson.Default.TokenPeerLine)!)
            .ToDictionary(line => line.Text);

    private static double Milliseconds(TokenPeerLine line) => 1000.0 * line.Bytes!.Value / (line.Mbps!.Value * 1e6);

    private bool RunCountsEqual(string run) => _parleyRuns[run + "-100k"].Tokens == _tiktokenRuns[run + "-100k"].Tokens;

    private TokenPeerLine Line(string peer, string text) => _lines[peer][text];

    private bool CountsEqual(string text) => PeerNames.Select(p => Line(p, text).Tokens).Distinct().Count() == 1;

    public IEnumerable<TargetCheck> Targets
    {
        get
        {
            var ratios = TokenTexts.Classes.Select(t => (Text: t, Ratio: Line("parley", t).Mbps!.Value / Line("tiktoken", t).Mbps!.Value)).ToArray();
            var worst = ratios.MinBy(r => r.Ratio);
            yield return new TargetCheck("Token counting", "Parley ≥ npm tiktoken MB/s on every text class",
                string.Join(", ", ratios.Select(r => $"{r.Text} {BenchSettings.Format(r.Ratio)}×")), ratios.All(r => r.Ratio >= 1.0));
            var unequal = TokenTexts.Classes.Where(t => !CountsEqual(t)).ToArray();
            yield return new TargetCheck("Token counting", "identical counts (all peers, all classes)",
                unequal.Length == 0 ? "all equal" : "differ on " + string.Join(", ", unequal), unequal.Length == 0);
            var runTimes = TokenTexts.RunClasses.Select(r => (Run: r, Ms: Milliseconds(_parleyRuns[r]), Cpu: _parleyRuns[r].CpuMs!.Value)).ToArray();
            yield return new TargetCheck("Token counting", "1 MB without spaces counted in under 1 s of CPU (worst case, no size limit)",
                string.Join(", ", runTimes.Select(r => $"{r.Run} {r.Cpu:0} ms CPU ({r.Ms:0} ms wall)")), runTimes.All(r => r.Cpu < 1000));
            var unequalRuns = TokenTexts.RunClasses.Where(r => !RunCountsEqual(r)).ToArray();
            yield return new TargetCheck("Token counting", "identical counts on 100 KB runs without spaces (Parley / npm tiktoken)",
                unequalRuns.Length == 0 ? "all equal" : "differ on " + string.Join(", ", unequalRuns), unequalRuns.Length == 0);
        }
    }

    public void AddMetrics(IDictionary<string, double?> metrics)
    {
        foreach (var peer in PeerNames)
        {
            foreach (var text in TokenTexts.Classes)
            {
                metrics[$"tokens/{peer}/{text}/mbps"] = _lines.TryGetValue(peer, out var lines) && lines.TryGetValue(text, out var line) ? line.Mbps : null;
                metrics[$"tokens/{peer}/{text}/tokens"] = _lines.TryGetValue(peer, out lines) && lines.TryGetValue(text, out line) ? line.Tokens : null;
            }

            metrics[$"tokens/{peer}/load_ms"] = _lines.TryGetValue(peer, out var l) && l.TryGetValue("load", out var load) ? load.LoadMs : null;
        }

        foreach (var (peer, runs) in new[] { ("parley", _parleyRuns), ("tiktoken", _tiktokenRuns) })
        {
            foreach (var line in runs.Values)
            {
                metrics[$"tokens-runs/{peer}/{line.Text}/ms"] = Milliseconds(line);
                metrics[$"tokens-runs/{peer}/{line.Text}/cpu_ms"] = line.CpuMs;
                metrics[$"tokens-runs/{peer}/{line.Text}/tokens"] = line.Tokens;
            }
        }
    }

    public void WriteMarkdown(StringBuilder md)
    {
        md.AppendLine("## 2. Token counting (o200k_base)").AppendLine();
        md.AppendLine("Texts are generated from fixed seeds by the harness (`TokenTexts.cs`) and written once; every peer reads the same bytes. " +
            "`short` = chat messages of 3–40 words counted one call per message; the others are one string per call. " +
            $"Each peer (own process): one warm-up pass, then {_settings!.TokenReps} repetitions of as many passes as fit in {BenchSettings.Format(_settings.TokenSeconds)} s; best repetition. MB/s = 10⁶ UTF-8 bytes per second. " +
            "Parley: `TokenCounter.CountText(text, gpt-4o)`; tiktoken: `encode_ordinary(text).length`; js-tiktoken: `encode(text, [], []).length`.").AppendLine();
        md.AppendLine("| text | bytes | tokens (Parley / tiktoken / js-tiktoken) | equal | Parley MB/s | tiktoken MB/s | js-tiktoken MB/s | Parley ÷ tiktoken | Parley ÷ js-tiktoken |");
        md.AppendLine("|---|---:|---|:-:|---:|---:|---:|---:|---:|");
        foreach (var text in TokenTexts.Classes)
        {
            var p = Line("parley", text);
            var t = Line("tiktoken", text);
            var j = Line("js-tiktoken", text);
            md.AppendLine($"| {text} | {p.Bytes:N0} | {p.Tokens:N0} / {t.Tokens:N0} / {j.Tokens:N0} | {(CountsEqual(text) ? "yes" : "**NO**")} | {p.Mbps:0.00} | {t.Mbps:0.00} | {j.Mbps:0.00} | {BenchSettings.Format(p.Mbps!.Value / t.Mbps!.Value)}× | {BenchSettings.Format(p.Mbps!.Value / j.Mbps!.Value)}× |");
        }

        md.AppendLine();
        md.AppendLine($"Vocabulary load (process start excluded, first count included): Parley {Line("parley", "load").LoadMs:0} ms, tiktoken {Line("tiktoken", "load").LoadMs:0} ms, js-tiktoken {Line("js-tiktoken", "load").LoadMs:0} ms.").AppendLine();
        WriteRunsMarkdown(md);
    }

    private void WriteRunsMarkdown(StringBuilder md)
    {
        md.AppendLine("### Worst case: runs without spaces").AppendLine();
        md.AppendLine("One pre-token piece each (`TokenTexts.WriteRuns`): `run-a` = the letter a repeated, `run-latin` = random lowercase letters, `run-cjk` = random Hanzi; 1 MB and its first 100 KB. " +
            "Parley (harness process, JIT): one warm-up count, then the fastest of 3 single counts (wall; and the least process CPU time of the 3). npm tiktoken: one count of the 100 KB runs only — its merge is quadratic too " +
            "(1 MB aborts its WASM module with `RuntimeError: unreachable`); js-tiktoken is not run (20 s for 10 KB of `a`).").AppendLine();
        md.AppendLine("| text | bytes | Parley tokens | Parley ms (CPU ms) | npm tiktoken tokens | npm tiktoken ms | equal |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|:-:|");
        foreach (var run in TokenTexts.RunClasses)
        {
            foreach (var name in new[] { run + "-100k", run })
            {
                var p = _parleyRuns[name];
                var t = _tiktokenRuns.GetValueOrDefault(name);
                md.AppendLine($"| {name} | {p.Bytes:N0} | {p.Tokens:N0} | {Milliseconds(p):0} ({p.CpuMs:0}) | {(t is null ? "—" : $"{t.Tokens:N0}")} | {(t is null ? "—" : $"{Milliseconds(t):0}")} | {(t is null ? "—" : p.Tokens == t.Tokens ? "yes" : "**NO**")} |");
            }
        }

        md.AppendLine();
    }
}
