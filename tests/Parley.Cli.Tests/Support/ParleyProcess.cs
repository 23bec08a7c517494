using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Parley.Cli.Tests;

/// <summary>
/// Runs the real <c>parley</c> (Parley.Cli.dll) as a child process in an isolated home, working directory and
/// environment, with scripted stdin. Tests assert on stdout, stderr and the exit code, as a user would see them.
/// With <c>PARLEY_TEST_CLI</c> set to an executable (the published NativeAOT <c>parley</c>), every test runs that
/// instead: the shipped build passes the same suite.
/// </summary>
public sealed class ParleyProcess : IDisposable
{
    /// <summary>The environment variable that names a native <c>parley</c> to test instead of Parley.Cli.dll.</summary>
    public const string CliVariable = "PARLEY_TEST_CLI";

    private static readonly string CliPath = Path.Combine(AppContext.BaseDirectory, "Parley.Cli.dll");
    private readonly Dictionary<string, string?> _environment = new(StringComparer.Ordinal);
    private (string Program, string[] Arguments)? _command;

    public ParleyProcess()
    {
        Root = Path.Combine(Path.GetTempPath(), "parley-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Home = Path.Combine(Root, "home");
        WorkingDirectory = Path.Combine(Root, "work");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(WorkingDirectory);
        foreach (var name in new[] { "OPENAI_API_KEY", "OPENAI_BASE_URL", "OLLAMA_HOST", "PARLEY_PROVIDER", "PARLEY_MODEL", "PARLEY_DATABASE_URL", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "NO_COLOR" })
        {
            _environment[name] = null;
        }

        _environment["PARLEY_HOME"] = Path.Combine(Root, "parley-home");
        _environment["HOME"] = Home;
        _environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
    }

    /// <summary>The temporary root of this process's files.</summary>
    public string Root { get; }

    /// <summary>$HOME of the child.</summary>
    public string Home { get; }

    /// <summary>The child's working directory (where a .env file is read).</summary>
    public string WorkingDirectory { get; }

    /// <summary>$PARLEY_HOME of the child.</summary>
    public string ParleyHome => _environment["PARLEY_HOME"]!;

    /// <summary>Sets (or with null, removes) an environment variable of the child.</summary>
    public ParleyProcess With(string name, string? value)
    {
        _environment[name] = value;
        return this;
    }

    /// <summary>Runs this program (and leading arguments) instead of <see cref="Command"/>, e.g. a copy of the build.</summary>
    public ParleyProcess UsingCommand(string program, params string[] prefix)
    {
        _command = (program, prefix);
        return this;
    }

    /// <summary>Points the child at an OpenAI-compatible server with a test key.</summary>
    public ParleyProcess Against(Uri openAIBaseUrl, string apiKey = "sk-test-0123456789abcdef")
    {
        _environment["OPENAI_BASE_URL"] = openAIBaseUrl.ToString().TrimEnd('/');
        _environment["OPENAI_API_KEY"] = apiKey;
        return this;
    }

    /// <summary>Runs parley to completion.</summary>
    public async Task<ProcessResult> RunAsync(string? stdin, params string[] args)
    {
        using var process = Start(args, stdin is not null);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(stdin));
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs parley with raw stdin bytes.</summary>
    public async Task<ProcessResult> RunWithBytesAsync(byte[] stdin, params string[] args)
    {
        using var process = Start(args, redirectStdin: true);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts parley and leaves it running (the caller reads its streams and waits).</summary>
    public Process Start(IReadOnlyList<string> args, bool redirectStdin = true)
    {
        var (program, prefix) = _command ?? Command;
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in prefix.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in _environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = StartRetryingBusyFile(info);
        if (!redirectStdin)
        {
            process.StandardInput.Close();
        }

        return process;
    }

    /// <summary>Starts parley in a real terminal (tmux) with this process's environment and working directory.</summary>
    public Task<TmuxSession> StartInTerminalAsync(params string[] args) => StartInTerminalWithOptionsAsync([], args);

    /// <summary>Starts parley in a real terminal (tmux) whose server has <paramref name="tmuxOptions"/> set first.</summary>
    public Task<TmuxSession> StartInTerminalWithOptionsAsync(IReadOnlyList<(string Name, string Value)> tmuxOptions, params string[] args)
    {
        var (program, prefix) = Command;
        var command = string.Join(' ', new[] { program }.Concat(prefix).Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        return TmuxSession.StartAsync(command, _environment, WorkingDirectory, tmuxOptions);
    }

    /// <summary>
    /// What runs: <c>dotnet Parley.Cli.dll</c>, or the executable named by <see cref="CliVariable"/> (which must exist:
    /// a mistyped path fails every test rather than silently testing the other build).
    /// </summary>
    public static (string Program, string[] Arguments) Command
    {
        get
        {
            var native = Environment.GetEnvironmentVariable(CliVariable);
            if (string.IsNullOrEmpty(native))
            {
                return ("dotnet", [CliPath]);
            }

            var path = Path.GetFullPath(native);
            return File.Exists(path)
                ? (path, [])
                : throw new FileNotFoundException($"{CliVariable} names no file: {native}", path);
        }
    }

    /// <summary>Sends SIGINT (what Ctrl+C sends) to a running process.</summary>
    public static void Interrupt(Process process)
    {
        if (kill(process.Id, 2) != 0)
        {
            throw new InvalidOperationException($"kill(SIGINT) failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. 15 for SIGTERM, 1 for SIGHUP) to a running process.</summary>
    public static void Signal(Process process, int signal)
    {
        if (kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({signal}) failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    // A binary a test has just copied can fail to start with ETXTBSY ("Text file busy") while another thread of this
    // test process forks and briefly holds the copy's write handle: a race of the test harness, not of parley. Retry.
    private static Process StartRetryingBusyFile(ProcessStartInfo info)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Process.Start(info) ?? throw new InvalidOperationException("could not start parley");
            }
            catch (System.ComponentModel.Win32Exception e) when (e.NativeErrorCode == TextFileBusy && attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }

    private const int TextFileBusy = 26;
}
