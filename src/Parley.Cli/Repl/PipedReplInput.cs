namespace Parley.Cli;

/// <summary>Piped input: each line is a turn; a <c>"""</c> line opens and closes a multi-line block.</summary>
internal sealed class PipedReplInput : IReplInput
{
    private readonly TextReader _reader;

    public PipedReplInput(TextReader reader) => _reader = reader;

    public Task<string?> ReadAsync(CancellationToken cancellationToken) =>
        MultiLineReader.ReadInputAsync(async (_, ct) => await _reader.ReadLineAsync(ct).ConfigureAwait(false), cancellationToken);
}
