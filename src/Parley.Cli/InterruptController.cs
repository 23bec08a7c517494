namespace Parley.Cli;

/// <summary>
/// Routes Ctrl+C (SIGINT): while a turn streams it stops only that turn; otherwise it ends the program (exit 130).
/// SIGTERM and SIGHUP (a service manager, <c>timeout</c>, a closed terminal) end the program the same way — what was
/// shown is saved, marked interrupted — with exit 143 or 129.
/// </summary>
internal sealed class InterruptController : IDisposable
{
    private readonly CancellationTokenSource _application = new();
    private CancellationTokenSource? _turn;

    /// <summary>The exit code a terminating signal asks for (143 SIGTERM, 129 SIGHUP), or null when none came.</summary>
    public int? TerminationExitCode { get; private set; }

    /// <summary>Cancelled when the program should end.</summary>
    public CancellationToken ApplicationToken => _application.Token;

    /// <summary>True once the program was asked to end.</summary>
    public bool ApplicationInterrupted => _application.IsCancellationRequested;

    /// <summary>Starts a turn: the returned token is cancelled by the next Ctrl+C.</summary>
    public CancellationToken BeginTurn()
    {
        _turn?.Dispose();
        _turn = CancellationTokenSource.CreateLinkedTokenSource(_application.Token);
        return _turn.Token;
    }

    /// <summary>Ends the current turn; Ctrl+C ends the program again.</summary>
    public void EndTurn()
    {
        var turn = _turn;
        _turn = null;
        turn?.Dispose();
    }

    /// <summary>Handles one SIGINT. Returns false when the program should be ended the hard way (a repeated Ctrl+C).</summary>
    public bool OnInterrupt()
    {
        var turn = _turn;
        if (turn is not null && !turn.IsCancellationRequested)
        {
            turn.Cancel();
            return true;
        }

        if (_application.IsCancellationRequested)
        {
            return false;
        }

        _application.Cancel();
        return true;
    }

    /// <summary>
    /// Handles SIGTERM or SIGHUP: the turn and the program end (the partial answer is saved on the way out). Returns
    /// false for a repeated signal while the program is already ending, so the runtime ends the process.
    /// </summary>
    public bool OnTerminate(int exitCode)
    {
        if (_application.IsCancellationRequested && TerminationExitCode is not null)
        {
            return false;
        }

        TerminationExitCode ??= exitCode;
        _application.Cancel(); // the turn's token is linked to it
        return true;
    }

    /// <summary>
    /// The program ended cleanly after a terminating signal asked it to (a server that drained its requests): exit 0
    /// instead of the signal's code.
    /// </summary>
    public void EndedCleanly() => TerminationExitCode = null;

    public void Dispose()
    {
        _turn?.Dispose();
        _application.Dispose();
    }
}
