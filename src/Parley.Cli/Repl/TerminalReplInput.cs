namespace Parley.Cli;

/// <summary>Terminal input: the line editor (arrows, history across sessions) and <c>"""</c> blocks.</summary>
internal sealed class TerminalReplInput : IReplInput
{
    private readonly Func<string, CancellationToken, Task<string?>> _readLine;
    private readonly InputHistory _history;
    private readonly string _prompt;

    public TerminalReplInput(LineEditor editor, InputHistory history, bool color)
    {
        _readLine = MultiLineReader.FromEditor(editor);
        _history = history;
        _prompt = color ? "\u001b[1;32m>\u001b[0m " : "> ";
    }

    public async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        var input = await MultiLineReader.ReadInputAsync(_readLine, _prompt, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(input))
        {
            try
            {
                await _history.AddAsync(input, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // History is a convenience: a read-only data folder must not stop the chat.
            }
        }

        return input;
    }
}
