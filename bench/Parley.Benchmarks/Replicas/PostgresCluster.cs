using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Parley.Benchmarks;

/// <summary>
/// A throwaway PostgreSQL cluster for the replicas benchmark, started as the tests start theirs
/// (tests/Parley.Postgres.Tests/PostgresServer.cs): <c>initdb</c> in a temp folder (as the <c>postgres</c> user through
/// <c>runuser</c> when run as root), <c>pg_ctl</c> on a free loopback port with the server's default settings but
/// <c>synchronous_commit=off</c> (what SQLite's <c>synchronous=NORMAL</c> does: a commit does not wait for its log flush),
/// stopped and deleted when disposed.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private const string User = "parley";
    private const string Password = "bench";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _bin;
    private readonly bool _asPostgres = Environment.UserName == "root";
    private int _port;

    private PostgresCluster(string bin) => _bin = bin;

    /// <summary>Gets the server's version line (<c>postgres --version</c>).</summary>
    public string Version { get; private set; } = "?";

    /// <summary>The folder of initdb and pg_ctl, or null when PostgreSQL is not installed.</summary>
    public static string? FindBinaries() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Order(StringComparer.Ordinal).Reverse().Select(v => Path.Combine(v, "bin")) : [])
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));

    public static async Task<PostgresCluster> StartAsync(string bin)
    {
        var cluster = new PostgresCluster(bin);
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database and returns its <c>postgres://</c> URL; <paramref name="flushEachCommit"/> sets <c>synchronous_commit=on</c> for it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, bool flushEachCommit = false)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = _port, Username = User, Password = Password, Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
            if (flushEachCommit)
            {
                await using var flush = new NpgsqlCommand($"ALTER DATABASE {name} SET synchronous_commit = on;", connection);
                await flush.ExecuteNonQueryAsync();
            }
        }

        return $"postgres://{User}:{Password}@127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}/{name}";
    }

    private async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var passwordFile = Path.Combine(_folder, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (_asPostgres)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _folder], asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", Data, "-U", User, "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale"], _asPostgres);
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            _port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o", $"-p {_port} -k {_folder} -c listen_addresses=127.0.0.1 -c synchronous_commit=off", "start"], _asPostgres);
        Version = (await RunAsync(Path.Combine(_bin, "postgres"), ["--version"], asPostgres: false)).Trim();
    }

    private string Data => Path.Combine(_folder, "data");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(Data, "postmaster.pid")))
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"], _asPostgres);
            }
        }
        catch (InvalidOperationException)
        {
            // Stopped already.
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}".Trim());
    }
}
