namespace Parley.Cli;

/// <summary>A one-line spinner on stderr while waiting for the first token; erased when the answer starts.</summary>
internal sealed class TerminalSpinner : IAsyncDisposable
{
    private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    private readonly TextWriter _terminal;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _stopped;

    private TerminalSpinner(TextWriter terminal, string label)
    {
        _terminal = terminal;
        _loop = RunAsync(label);
    }

    public static TerminalSpinner Start(TextWriter terminal, string label = "thinking…") => new(terminal, label);

    /// <summary>Stops and erases the spinner (idempotent).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _terminal.WriteAsync("\r\u001b[K").ConfigureAwait(false);
        await _terminal.FlushAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(string label)
    {
        var frame = 0;
        while (!_stop.IsCancellationRequested)
        {
            await _terminal.WriteAsync($"\r{Frames[frame++ % Frames.Length]} {label}").ConfigureAwait(false);
            await _terminal.FlushAsync().ConfigureAwait(false);
            await Task.Delay(100, _stop.Token).ConfigureAwait(false);
        }
    }
}
