namespace Parley.Cli;

/// <summary>
/// Reads keys from the process's terminal with <see cref="Console.ReadKey(bool)"/> (not echoed). <c>Console.ReadKey</c>
/// blocks and cannot be cancelled, so this polls <see cref="Console.KeyAvailable"/> and only reads a key that has
/// already arrived: cancelling never leaves a blocked thread behind that would swallow the next key.
/// <see cref="Console.TreatControlCAsInput"/> is left as it is (false), so Ctrl+C still raises SIGINT for the app.
/// </summary>
internal sealed class ConsoleKeySource : IKeySource
{
    /// <summary>How long to wait between polls when no key is waiting; short enough to feel instant.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(10);

    private readonly TimeSpan _pollInterval;

    public ConsoleKeySource()
        : this(DefaultPollInterval)
    {
    }

    public ConsoleKeySource(TimeSpan pollInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero, nameof(pollInterval));
        _pollInterval = pollInterval;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">stdin is not a terminal (redirected).</exception>
    public async ValueTask<ConsoleKeyInfo> ReadKeyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Console.KeyAvailable)
            {
                return Console.ReadKey(intercept: true);
            }

            await Task.Delay(_pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
