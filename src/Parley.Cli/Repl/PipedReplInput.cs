namespace Parley.Cli;

/// <summary>Piped input: each line is a turn; a <c>"""</c> line opens and closes a multi-line block.</summary>
internal sealed class PipedReplInput : IReplInput
{
    private readonly Func<string, CancellationToken, Task<string?>> _readLine;

    public PipedReplInput(TextReader reader) => _readLine = MultiLineReader.FromReader(reader);

    public Task<string?> ReadAsync(CancellationToken cancellationToken) =>
        MultiLineReader.ReadInputAsync(_readLine, string.Empty, cancellationToken, string.Empty);
}
