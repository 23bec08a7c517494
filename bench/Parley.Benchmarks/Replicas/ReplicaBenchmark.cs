using System.Globalization;
using System.Text;
using Parley.Postgres;

namespace Parley.Benchmarks;

/// <summary>
/// <c>parley serve</c> replicas: requests per second and p99 through one replica on SQLite, one on PostgreSQL and two on
/// one PostgreSQL database (wrk spreading its connections over them), in one run; and the budget reservation's cost
/// per request (reserve + settle) on PostgreSQL next to SQLite.
/// </summary>
internal sealed class ReplicaBenchmark : IBenchmarkSection
{
    public const string Heading = "## 7. Replicas on PostgreSQL";
    private const int Connections = 64;
    private const string PostgresAsRun = "PostgreSQL, `synchronous_commit=off` (as the replicas ran)";
    private const string PostgresFlushing = "PostgreSQL, `synchronous_commit=on` (the server's default; a tenth of the requests)";

    private readonly List<(string Setup, WrkResult? Result, string? Error)> _throughput = [];
    private readonly List<(string Store, double P50Us, double P99Us, string? Error)> _reservation = [];
    private string? _skipped;
    private string _build = "?";
    private string _postgres = "?";
    private string _load = "?";
    private int _wrkSeconds;
    private int _reservations;

    public async Task RunAsync(BenchSettings settings, LoopbackServerProcess server, string work)
    {
        _wrkSeconds = settings.Smoke ? 2 : 20;
        _reservations = settings.Smoke ? 50 : 2_000;
        var loadBefore = MachineInfo.ReadLoadAverage();
        try
        {
            await RunCoreAsync(settings, server, work);
        }
        catch (Exception e) when (e is InvalidOperationException or ParleyStorageException or Npgsql.NpgsqlException or IOException or HttpRequestException)
        {
            Fail(e.Message);
            Console.Error.WriteLine($"  replicas: FAILS {e.Message}");
        }
        finally
        {
            _load = $"{loadBefore} at the start of this section, {MachineInfo.ReadLoadAverage()} at its end";
        }
    }

    private async Task RunCoreAsync(BenchSettings settings, LoopbackServerProcess server, string work)
    {
        // The shipped build when it was published (NativeAOT), else the framework-dependent one.
        var build = GatewayBenchmark.Builds(settings).LastOrDefault() ?? throw new InvalidOperationException("no CLI build to run");
        _build = build.Name;
        var bin = PostgresCluster.FindBinaries();
        var wrk = File.Exists("/usr/bin/wrk") ? "/usr/bin/wrk" : null;
        if (bin is null || wrk is null)
        {
            _skipped = bin is null ? "n/a: PostgreSQL is not installed (apt-get install postgresql)" : "n/a: wrk is not installed (apt-get install wrk)";
            Console.Error.WriteLine($"  replicas: {_skipped}");
            return;
        }

        await using var cluster = await PostgresCluster.StartAsync(bin);
        _postgres = cluster.Version;
        var script = Path.Combine(work, "replicas.lua");

        await server.ResetAsync();
        await using (var sqlite = await GatewayProcess.StartAsync(build, server))
        {
            _throughput.Add(await WrkAsync("1 replica, SQLite", wrk, script, sqlite));
        }

        await server.ResetAsync();
        await using (var one = await GatewayProcess.StartAsync(build, server, database: await cluster.CreateDatabaseAsync("bench_one")))
        {
            _throughput.Add(await WrkAsync("1 replica, PostgreSQL", wrk, script, one));
        }

        await server.ResetAsync();
        var shared = await cluster.CreateDatabaseAsync("bench_two");
        await using (var first = await GatewayProcess.StartAsync(build, server, database: shared))
        await using (var second = await GatewayProcess.StartAsync(build, server, database: shared, existingKey: first.Key))
        {
            _throughput.Add(await WrkAsync("2 replicas, one PostgreSQL", wrk, script, first, second));
        }

        await server.ResetAsync();
        var warmup = settings.Smoke ? 5 : 200;
        await using (var store = await SqliteConversationStore.OpenAsync(Path.Combine(work, "reserve.db")))
        {
            var (p50, p99) = await ReservationCost.MeasureAsync(store, warmup, _reservations);
            _reservation.Add(("SQLite", p50, p99, null));
        }

        await using (var store = await PostgresConversationStore.OpenAsync(await cluster.CreateDatabaseAsync("bench_reserve")))
        {
            var (p50, p99) = await ReservationCost.MeasureAsync(store, warmup, _reservations);
            _reservation.Add((PostgresAsRun, p50, p99, null));
        }

        // The server's default durability for comparison: every commit waits for its log flush on this machine's disk.
        await using (var store = await PostgresConversationStore.OpenAsync(await cluster.CreateDatabaseAsync("bench_reserve_flush", flushEachCommit: true)))
        {
            var (p50, p99) = await ReservationCost.MeasureAsync(store, warmup / 10, _reservations / 10);
            _reservation.Add((PostgresFlushing, p50, p99, null));
        }

        foreach (var (store, p50, p99, _) in _reservation)
        {
            Console.Error.WriteLine($"  reserve+settle {store}: p50 {p50:0} µs, p99 {p99:0} µs");
        }
    }

    /// <summary>
    /// wrk with <see cref="Connections"/> connections spread evenly over the replicas: one wrk process per replica
    /// (wrk takes one URL), all at once, after a 3 s warm-up of the same shape; their figures summed (p99: the worst).
    /// </summary>
    private async Task<(string, WrkResult?, string?)> WrkAsync(string setup, string wrk, string script, params GatewayProcess[] replicas)
    {
        await File.WriteAllTextAsync(script, GatewayBenchmark.WrkScript(replicas[0].Key, null));
        var threads = Math.Max(1, 2 / replicas.Length);
        Task<ChildRun> Run(GatewayProcess replica, int seconds) => ChildProcess.RunAsync(wrk,
            [$"-t{threads}", $"-c{Connections / replicas.Length}", $"-d{seconds}s", "--latency", "-s", script, new Uri(replica.BaseUrl, "v1/chat/completions").ToString()]);
        await Task.WhenAll(replicas.Select(r => Run(r, 3)));
        var runs = await Task.WhenAll(replicas.Select(r => Run(r, _wrkSeconds)));
        if (runs.FirstOrDefault(r => !r.Succeeded) is { } failed)
        {
            return (setup, null, failed.Describe("wrk"));
        }

        var results = runs.Select(r => WrkResult.Parse(r.Stdout)).ToList();
        var sum = new WrkResult(results.Sum(r => r.RequestsPerSecond), results.Max(r => r.P99Ms), results.Sum(r => r.Requests), results.Sum(r => r.Non2xx), results.Sum(r => r.SocketErrors));
        Console.Error.WriteLine($"  wrk {setup}: {sum.RequestsPerSecond:0} req/s, p99 {sum.P99Ms:0.00} ms, {sum.Requests} requests, {sum.Errors} errors");
        return (setup, sum, null);
    }

    /// <summary>Records why the section could not run (a start-up failure), so the report says so instead of the run dying.</summary>
    public void Fail(string error) => _skipped ??= "fails: " + error;

    public IEnumerable<TargetCheck> Targets =>
        _throughput.Select(t => new TargetCheck("Replicas", $"zero errors at {Connections} connections for {_wrkSeconds} s — {t.Setup}",
            t.Error ?? $"{t.Result!.Errors} errors in {t.Result.Requests:N0} requests ({t.Result.RequestsPerSecond:N0} req/s, p99 {t.Result.P99Ms:0.00} ms)",
            t.Error is null ? t.Result!.Errors == 0 : false));

    public void AddMetrics(IDictionary<string, double?> metrics)
    {
        foreach (var (setup, result, _) in _throughput)
        {
            var slug = setup.Replace(", ", "-", StringComparison.Ordinal).Replace(' ', '-');
            metrics[$"replicas/{slug}/rps"] = result?.RequestsPerSecond;
            metrics[$"replicas/{slug}/errors"] = result?.Errors;
        }

        foreach (var (store, p50, p99, error) in _reservation)
        {
            var slug = store == PostgresAsRun ? "postgres" : store == PostgresFlushing ? "postgres_flush" : "sqlite";
            metrics[$"replicas/reserve_settle/{slug}/p50_us"] = error is null ? p50 : null;
            metrics[$"replicas/reserve_settle/{slug}/p99_us"] = error is null ? p99 : null;
        }
    }

    public void WriteMarkdown(StringBuilder md)
    {
        md.AppendLine(Heading).AppendLine();
        if (_skipped is not null)
        {
            md.AppendLine(TargetCheck.Cell(_skipped)).AppendLine();
            return;
        }

        var cores = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        md.AppendLine($"**A correctness run, not a speed-up claim.** The machine has {cores} cores (`nproc`), shared by PostgreSQL, the replicas, wrk, the loopback upstream " +
            $"and other engineers' builds and tests; load average (1/5/15 min): {_load} (above {cores}, other work competed for the cores). " +
            "A second replica on the same two cores cannot add capacity: what the rows show is that two replicas on one database serve the same load without errors, and what PostgreSQL costs next to SQLite.").AppendLine();
        md.AppendLine($"Each replica is `parley serve` ({_build} build) in its own process in the default configuration: a virtual key with a budget " +
            "(`parley keys create bench --daily-usd 1000000 --monthly-usd 1000000`) reserved and settled on every request, exchanges saved, metrics on; " +
            $"with `--db postgres://…` on a throwaway cluster ({_postgres}, `initdb` + `pg_ctl` as the tests start it, the server's default settings except `synchronous_commit=off`, " +
            "the same durability as SQLite's `synchronous=NORMAL` in WAL mode, which Parley uses: a commit does not wait for its log flush, a crash of the machine may lose the last commits, never corrupts; " +
            "with the default `synchronous_commit=on` every commit waits for a flush, which on this machine's disk costs milliseconds: see the last row of the reservation table). The upstream is the loopback server in its own process.").AppendLine();
        md.AppendLine($"### Throughput (wrk, {Connections} connections, {_wrkSeconds} s)").AppendLine();
        md.AppendLine($"`wrk -t2 -c{Connections} -d{_wrkSeconds}s --latency -s post.lua URL` against one replica. wrk takes one URL, so for two replicas two wrk processes run at once, " +
            $"`wrk -t1 -c{Connections / 2}` each against its own replica: requests/s, requests and errors are **summed** over the two, p99 is the worse of the two. " +
            "Every setup gets a 3 s warm-up of the same shape first (not counted).").AppendLine();
        md.AppendLine("| setup | requests/s | p99 ms | requests | non-2xx | socket errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (setup, result, error) in _throughput)
        {
            md.AppendLine(result is not null
                ? $"| {setup} | {result.RequestsPerSecond:N0} | {result.P99Ms:0.00} | {result.Requests:N0} | {result.Non2xx} | {result.SocketErrors} |"
                : $"| {setup} | **fails** {TargetCheck.Cell(error ?? "?")} | | | | |");
        }

        md.AppendLine();
        md.AppendLine("### The budget reservation's cost per request").AppendLine();
        md.AppendLine($"The two store calls the gateway makes around every request with a key — `ReserveAsync` (the worst case, under the key's row lock) before forwarding and `SettleAsync` (the real cost) after — " +
            $"timed together in the harness's process, one request after the other, {_reservations:N0} times after {(_reservations == 50 ? 5 : 200)} warm-up ones, on the same store types the replicas use (a SQLite file; a database on the cluster above, over TCP on loopback). " +
            "Each call is one transaction, so each costs a commit.").AppendLine();
        md.AppendLine("| store | reserve + settle p50 µs | p99 µs |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (store, p50, p99, error) in _reservation)
        {
            md.AppendLine(error is null ? $"| {store} | {p50:N0} | {p99:N0} |" : $"| {store} | **fails** {TargetCheck.Cell(error)} | |");
        }

        md.AppendLine();
        md.AppendLine("Reproduce this section alone (keeps the rest of BENCHMARKS.md): `bash bench/run.sh --only replicas`.").AppendLine();
    }
}
