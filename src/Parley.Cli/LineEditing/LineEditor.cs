namespace Parley.Cli;

/// <summary>
/// Reads one line from the terminal with editing and history: arrows, Home/End, Ctrl+A/E/B/F, Backspace, Delete,
/// Ctrl+U/K/W/Y, Alt+B/F/D, Ctrl+L, Up/Down (Ctrl+P/N) through <see cref="InputHistory"/>, Enter to submit and Ctrl+D
/// on an empty line for end of input. Draws with ANSI escape sequences on <c>terminal</c>; the caller starts it at
/// column 0 (after a newline). It does not add lines to the history: the caller adds what it accepts (see
/// <see cref="InputHistory.AddAsync"/>), so a multi-line block is stored once, whole.
/// </summary>
internal sealed class LineEditor
{
    private const int FallbackWidth = 80;

    private readonly IKeySource _keys;
    private readonly TextWriter _terminal;
    private readonly InputHistory? _history;
    private readonly Func<int> _terminalWidth;

    /// <param name="keys">Where key presses come from.</param>
    /// <param name="terminal">Where the prompt and line are drawn (an ANSI terminal).</param>
    /// <param name="history">The entries Up and Down walk through; null for none.</param>
    /// <param name="terminalWidth">The terminal's width in columns, asked before each redraw; defaults to
    /// <see cref="Console.WindowWidth"/> (80 when unknown).</param>
    public LineEditor(IKeySource keys, TextWriter terminal, InputHistory? history = null, Func<int>? terminalWidth = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(terminal);
        _keys = keys;
        _terminal = terminal;
        _history = history;
        _terminalWidth = terminalWidth ?? ConsoleWidth;
    }

    /// <summary>An editor on the process's terminal: keys from stdin, drawing on stdout.</summary>
    public static LineEditor ForConsole(InputHistory? history) => new(new ConsoleKeySource(), Console.Out, history);

    /// <summary>Shows <paramref name="prompt"/> and reads a line.</summary>
    /// <param name="prompt">The prompt, possibly with ANSI colors.</param>
    /// <param name="cancellationToken">Cancels the read: the line is left as drawn and the cursor moves below it.</param>
    /// <returns>The line (without a newline; it contains newlines only when a recalled multi-line entry was
    /// submitted), or null for end of input (Ctrl+D on an empty line).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        cancellationToken.ThrowIfCancellationRequested();

        var buffer = new LineBuffer(_history?.Entries);
        var renderer = new LineRenderer(prompt);
        await WriteAsync(renderer.Render(buffer.Text, buffer.Cursor, Width())).ConfigureAwait(false);

        while (true)
        {
            ConsoleKeyInfo key;
            try
            {
                key = await _keys.ReadKeyAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await WriteAsync(renderer.Finish()).ConfigureAwait(false);
                throw;
            }

            switch (buffer.Apply(key))
            {
                case KeyOutcome.Changed:
                    await WriteAsync(renderer.Render(buffer.Text, buffer.Cursor, Width())).ConfigureAwait(false);
                    break;
                case KeyOutcome.ClearScreen:
                    renderer.ScreenCleared();
                    await WriteAsync(LineRenderer.ClearScreen + renderer.Render(buffer.Text, buffer.Cursor, Width())).ConfigureAwait(false);
                    break;
                case KeyOutcome.Submit:
                    await WriteAsync(renderer.Finish()).ConfigureAwait(false);
                    return buffer.Text;
                case KeyOutcome.EndOfInput:
                    await WriteAsync(renderer.Finish()).ConfigureAwait(false);
                    return null;
            }
        }
    }

    private int Width()
    {
        var width = _terminalWidth();
        return width > 0 ? width : FallbackWidth;
    }

    private async Task WriteAsync(string output)
    {
        if (output.Length == 0)
        {
            return;
        }

        // Not cancellable: a half-written escape sequence would leave the terminal in a worse state.
        await _terminal.WriteAsync(output).ConfigureAwait(false);
        await _terminal.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static int ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return FallbackWidth;
        }
        catch (PlatformNotSupportedException)
        {
            return FallbackWidth;
        }
    }
}
