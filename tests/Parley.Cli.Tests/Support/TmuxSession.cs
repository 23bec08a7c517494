using System.Diagnostics;

namespace Parley.Cli.Tests;

/// <summary>
/// Runs parley in a real terminal: a detached tmux session. Tests type with send-keys and read what a person would
/// see with capture-pane.
/// </summary>
public sealed class TmuxSession : IDisposable
{
    private readonly string _name = "parley-" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _socket;

    private TmuxSession(string socket) => _socket = socket;

    /// <summary>Starts <paramref name="command"/> (a shell command line) in an 100×40 terminal.</summary>
    public static async Task<TmuxSession> StartAsync(string command, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var socket = Path.Combine(Path.GetTempPath(), "parley-tmux-" + Guid.NewGuid().ToString("N")[..8]);
        var session = new TmuxSession(socket);
        var unset = environment.Where(e => e.Value is null).Select(e => $"-u {e.Key}");
        var set = environment.Where(e => e.Value is not null).Select(e => $"{e.Key}={Quote(e.Value!)}");
        var exports = string.Join(' ', unset.Concat(set));
        var script = $"cd {Quote(workingDirectory)} && env {exports} TERM=xterm-256color {command}; echo \"[exit $?]\"; sleep 600";
        await session.RunTmuxAsync("new-session", "-d", "-s", session._name, "-x", "100", "-y", "40", "bash", "-c", script);
        return session;
    }

    /// <summary>Types text (literally) into the terminal.</summary>
    public Task TypeAsync(string text) => RunTmuxAsync("send-keys", "-t", _name, "-l", text);

    /// <summary>Presses keys by tmux name (Enter, C-c, C-d, Up, …).</summary>
    public Task PressAsync(params string[] keys) => RunTmuxAsync(["send-keys", "-t", _name, .. keys]);

    /// <summary>The visible screen.</summary>
    public Task<string> ScreenAsync() => RunTmuxAsync("capture-pane", "-p", "-t", _name);

    /// <summary>Waits until the screen shows <paramref name="text"/>; fails with the screen when it does not.</summary>
    public async Task<string> WaitForAsync(string text, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        string screen;
        do
        {
            screen = await ScreenAsync();
            if (screen.Contains(text, StringComparison.Ordinal))
            {
                return screen;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new Xunit.Sdk.XunitException($"the terminal never showed '{text}'. Screen:\n{screen}");
    }

    public void Dispose()
    {
        try
        {
            RunTmuxAsync("kill-server").Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        File.Delete(_socket);
    }

    private async Task<string> RunTmuxAsync(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-S");
        info.ArgumentList.Add(_socket);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("tmux could not be started (is it installed? .ci/run installs it)");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && args[0] != "kill-server")
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {error}");
        }

        return output;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
