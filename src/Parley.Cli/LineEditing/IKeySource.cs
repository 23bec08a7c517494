namespace Parley.Cli;

/// <summary>Where the line editor reads key presses from: the terminal, or a script in tests.</summary>
internal interface IKeySource
{
    /// <summary>Waits for the next key press.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    ValueTask<ConsoleKeyInfo> ReadKeyAsync(CancellationToken cancellationToken);
}
