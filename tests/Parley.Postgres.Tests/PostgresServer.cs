using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Parley.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: <c>initdb</c> in a temp folder, <c>pg_ctl</c> on a free port with its
/// unix socket in that folder, stopped and deleted when disposed. As root, the server runs as the <c>postgres</c> user
/// (<c>runuser</c>). When PostgreSQL is not installed, <see cref="SkipReason"/> says so (tests skip, or fail under
/// <c>PARLEY_REQUIRE_POSTGRES=1</c>).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Superuser = "parley";
    private const string Password = "s3cret p@ss";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private string? _bin;
    private bool _asPostgresUser;
    private int _databases;

    /// <summary>Gets why the tests cannot run (no PostgreSQL binaries), or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Gets the port the server listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>Skips the calling test when there is no PostgreSQL, or fails it when PARLEY_REQUIRE_POSTGRES=1.</summary>
    public void SkipIfUnavailable()
    {
        if (SkipReason is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("PARLEY_REQUIRE_POSTGRES") == "1")
        {
            Assert.Fail($"PARLEY_REQUIRE_POSTGRES=1 but {SkipReason}");
        }

        Skip.If(true, SkipReason);
    }

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        if (_bin is null)
        {
            SkipReason = "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin): apt-get install postgresql";
            return;
        }

        _asPostgresUser = Environment.UserName == "root";
        Directory.CreateDirectory(_folder);
        string passwordFile = Path.Combine(_folder, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _folder], asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataFolder, "-U", Superuser, "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale"], _asPostgresUser);
        await StartAsync();
    }

    /// <summary>Starts the server (again) on its port.</summary>
    public async Task StartAsync()
    {
        if (Port == 0)
        {
            Port = FreePort();
        }

        await RunAsync(
            Path.Combine(_bin!, "pg_ctl"),
            ["-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
            _asPostgresUser);
    }

    /// <summary>Stops the server at once (open connections are cut).</summary>
    public Task StopAsync() =>
        RunAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], _asPostgresUser);

    /// <summary>Creates an empty database and returns its URL (<c>postgres://parley:…@127.0.0.1:port/name</c>).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = "parley_test_" + Interlocked.Increment(ref _databases) + "_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }

        return Url(name);
    }

    /// <summary>Gets the URL of a database, its password URL-encoded.</summary>
    public string Url(string database) => $"postgres://{Superuser}:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}/{database}";

    /// <summary>Gets the password (tests check it never shows).</summary>
    public static string SecretPassword => Password;

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Password = Password, Database = database, Pooling = false }.ConnectionString;

    public async Task DisposeAsync()
    {
        if (_bin is not null && File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            try
            {
                await StopAsync();
            }
            catch (InvalidOperationException)
            {
                // stopped already
            }
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string? FindBinaries()
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")))
            {
                return folder;
            }
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => b, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add("postgres");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
