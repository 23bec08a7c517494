using System.Globalization;

namespace Parley.Benchmarks;

/// <summary>What one run measures and where its tools are; <c>--smoke</c> shrinks every size (CI: every peer reports a number).</summary>
internal sealed record BenchSettings
{
    public bool Smoke { get; init; }

    public required string NodeDirectory { get; init; }

    public required string ServerDll { get; init; }

    public IReadOnlyList<CliVariant> Variants { get; init; } = [];

    public string? MarkdownOut { get; init; }

    public string? JsonOut { get; init; }

    /// <summary>The trim/AOT analysis warnings of the NativeAOT publish, one per line (full run only).</summary>
    public string? AotWarningsFile { get; init; }

    public string Command { get; init; } = "bash bench/run.sh";

    /// <summary>
    /// <c>--only gateway</c> or <c>--only replicas</c>: run that section alone and splice it into the existing Markdown file.
    /// <c>--only gateway-conversation</c>: the gateway's 1,000-message conversation row alone, reported on stderr and in the JSON only.
    /// </summary>
    public string? Only { get; init; }

    public int StreamChunks => Smoke ? 2_000 : 100_000;

    public int StreamReps => Smoke ? 1 : 3;

    public double TextScale => Smoke ? 1.0 / 32 : 1.0;

    public double TokenSeconds => Smoke ? 0.01 : 0.3;

    public int TokenReps => Smoke ? 1 : 5;

    public IReadOnlyList<int> HistorySizes { get; } = [10, 100, 1_000, 10_000];

    public int BookkeepingTurns => Smoke ? 5 : 300;

    public int BookkeepingWarmup => Smoke ? 2 : 30;

    public int StartupRuns => Smoke ? 2 : 15;

    public int MemoryTurns => Smoke ? 10 : 1_000;

    public static BenchSettings Parse(string[] args)
    {
        bool smoke = false;
        string? node = null, server = null, markdown = null, json = null, command = null, aotWarnings = null, only = null;
        var variants = new List<CliVariant>();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--smoke": smoke = true; break;
                case "--node-dir": node = Value(); break;
                case "--server": server = Value(); break;
                case "--out": markdown = Value(); break;
                case "--json": json = Value(); break;
                case "--command": command = Value(); break;
                case "--variant": variants.Add(CliVariant.Parse(Value())); break;
                case "--aot-warnings": aotWarnings = Value(); break;
                case "--only": only = Value() is "gateway" or "replicas" or "gateway-conversation" ? args[i] : throw new ArgumentException("--only accepts: gateway, replicas, gateway-conversation"); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return new BenchSettings
        {
            Smoke = smoke,
            NodeDirectory = node ?? throw new ArgumentException("--node-dir is required"),
            ServerDll = server ?? throw new ArgumentException("--server is required"),
            Variants = variants.Count > 0 ? variants : throw new ArgumentException("at least one --variant NAME|EXECUTABLE|HOW is required"),
            MarkdownOut = markdown,
            JsonOut = json,
            AotWarningsFile = aotWarnings,
            Only = only,
            Command = command ?? (smoke ? "bash bench/run.sh --smoke" : "bash bench/run.sh"),
        };
    }

    public static string Format(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);
}
