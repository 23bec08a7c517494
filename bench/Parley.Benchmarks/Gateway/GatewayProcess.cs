using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parley.Benchmarks;

/// <summary>
/// <c>parley serve</c> in its own process, in the default configuration: a virtual key with a budget (keys, budgets,
/// saving to SQLite and metrics on), in front of the loopback server. Its CPU time and resident set are read from /proc.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CliEnvironment _environment;

    private GatewayProcess(Process process, CliEnvironment environment, Uri baseUrl, string key)
    {
        _process = process;
        _environment = environment;
        BaseUrl = baseUrl;
        Key = key;
    }

    /// <summary>The gateway's base URL (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The virtual key clients send as a bearer token.</summary>
    public string Key { get; }

    public int Pid => _process.Id;

    /// <param name="noAuth">Start it with <c>--no-auth</c> (no key checked, no budget): to see what the key path costs.</param>
    /// <param name="database">A PostgreSQL URL for <c>--db</c> (a replica), or null for the default SQLite file.</param>
    /// <param name="existingKey">The key another replica on <paramref name="database"/> created, or null to create one.</param>
    public static async Task<GatewayProcess> StartAsync(CliVariant cli, LoopbackServerProcess upstream, bool noAuth = false, string? database = null, string? existingKey = null)
    {
        var environment = new CliEnvironment(upstream, "gateway");
        string[] db = database is null ? [] : ["--db", database];
        var key = existingKey ?? string.Empty;
        if (existingKey is null)
        {
            // The largest budget `keys create` accepts: the budget is checked and reserved on every request, never reached.
            var created = await environment.RunAsync(cli, ["keys", "create", "bench", "--daily-usd", "1000000", "--monthly-usd", "1000000", .. db]);
            key = created.Stdout.Trim();
            if (!created.Succeeded || key.Length == 0)
            {
                environment.Dispose();
                throw new InvalidOperationException(created.Describe("parley keys create"));
            }
        }

        var port = FreePort();
        var start = new ProcessStartInfo(cli.Executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = environment.WorkingDirectory,
        };
        foreach (var (name, value) in environment.Variables)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        if (noAuth)
        {
            start.ArgumentList.Add("--no-auth");
        }

        foreach (var option in db)
        {
            start.ArgumentList.Add(option);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {cli.Executable}");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var gateway = new GatewayProcess(process, environment, new Uri($"http://127.0.0.1:{port}/"), key);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                break;
            }

            try
            {
                using var response = await probe.GetAsync(new Uri(gateway.BaseUrl, "healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        await gateway.DisposeAsync();
        lock (stderr)
        {
            throw new InvalidOperationException($"parley serve did not become ready: {stderr.ToString().Trim()}");
        }
    }

    /// <summary>User plus system CPU time of the gateway process so far (from /proc/PID/stat, clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of stat(5) (utime, stime) are at 11 and 12 after the command name.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>The resident set now (VmRSS) in MiB.</summary>
    public double ResidentMiB() => StatusKb("VmRSS:") / 1024.0;

    /// <summary>The peak resident set (VmHWM) in MiB.</summary>
    public double PeakResidentMiB() => StatusKb("VmHWM:") / 1024.0;

    private double StatusKb(string field) =>
        double.Parse(
            File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM: the gateway finishes pending history writes and exits 0.
                Posix.Kill(_process.Id, Posix.SigTerm);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _environment.Dispose();
    }
}
