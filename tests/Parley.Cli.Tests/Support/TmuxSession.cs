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
    /// <param name="command">The shell command line.</param>
    /// <param name="environment">Variables to set (or, with null, remove).</param>
    /// <param name="workingDirectory">Where the command runs.</param>
    /// <param name="globalOptions">tmux options (name, value) set on the server before the command starts.</param>
    public static async Task<TmuxSession> StartAsync(
        string command, IReadOnlyDictionary<string, string?> environment, string workingDirectory, IReadOnlyList<(string Name, string Value)>? globalOptions = null)
    {
        var socket = Path.Combine(Path.GetTempPath(), "parley-tmux-" + Guid.NewGuid().ToString("N")[..8]);
        var session = new TmuxSession(socket);
        var unset = environment.Where(e => e.Value is null).Select(e => $"-u {e.Key}");
        var set = environment.Where(e => e.Value is not null).Select(e => $"{e.Key}={Quote(e.Value!)}");
        var exports = string.Join(' ', unset.Concat(set));
        var script = $"cd {Quote(workingDirectory)} && env {exports} TERM=xterm-256color {command}; echo \"[exit $?]\"; sleep 600";
        // start-server and the options come first in the same tmux call, so they apply before the command runs.
        var options = (globalOptions ?? []).SelectMany(o => new[] { "set-option", "-g", o.Name, o.Value, ";" });
        await session.RunTmuxAsync(["start-server", ";", .. options, "new-session", "-d", "-s", session._name, "-x", "100", "-y", "40", "bash", "-c", script]);
        return session;
    }

    /// <summary>Types text (literally) into the terminal.</summary>
    public Task TypeAsync(string text) => RunTmuxAsync("send-keys", "-t", _name, "-l", text);

    /// <summary>Presses keys by tmux name (Enter, C-c, C-d, Up, …).</summary>
    public Task PressAsync(params string[] keys) => RunTmuxAsync(["send-keys", "-t", _name, .. keys]);

    /// <summary>The visible screen.</summary>
    public Task<string> ScreenAsync() => RunTmuxAsync("capture-pane", "-p", "-t", _name);

    /// <summary>The pane's title (what an escape sequence such as OSC 0 or OSC 2 would change).</summary>
    public async Task<string> TitleAsync() => (await RunTmuxAsync("display-message", "-p", "-t", _name, "#{pane_title}")).TrimEnd('\n');

    /// <summary>The names of tmux's paste buffers (OSC 52 creates one when set-clipboard is on).</summary>
    public async Task<string> BuffersAsync() => await RunTmuxAsync("list-buffers", "-F", "#{buffer_name}: #{buffer_sample}");

    /// <summary>The visible screen with its text attributes as escape sequences (capture-pane -e).</summary>
    public Task<string> StyledScreenAsync() => RunTmuxAsync("capture-pane", "-p", "-e", "-t", _name);

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
