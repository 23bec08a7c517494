namespace Parley.Cli;

/// <summary>Where the REPL's user input comes from: a terminal line editor, or piped lines.</summary>
internal interface IReplInput
{
    /// <summary>The next input (a line, or a <c>"""</c> block joined with newlines); null at end of input.</summary>
    Task<string?> ReadAsync(CancellationToken cancellationToken);
}
