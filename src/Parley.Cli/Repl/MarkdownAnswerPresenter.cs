using Spectre.Console;

namespace Parley.Cli;

/// <summary>
/// A terminal answer: a spinner until the first token, then the answer rendered as Markdown block by block
/// (code blocks, lists, headings, tables) as soon as each block is complete. Reasoning replaces the spinner, dimmed on
/// stderr, and its line ends before the answer.
/// </summary>
internal sealed class MarkdownAnswerPresenter : IAnswerPresenter
{
    private readonly IAnsiConsole _console;
    private readonly TextWriter _spinnerTerminal;
    private readonly ConsoleInteraction _ui;
    private MarkdownAnswerWriter? _writer;
    private TerminalSpinner? _spinner;

    public MarkdownAnswerPresenter(IAnsiConsole console, TextWriter spinnerTerminal, ConsoleInteraction ui)
    {
        _console = console;
        _spinnerTerminal = spinnerTerminal;
        _ui = ui;
    }

    public void BeginAnswer()
    {
        _writer = new MarkdownAnswerWriter(_console, MarkdownAnswerMode.Rendered);
        _spinner = TerminalSpinner.Start(_spinnerTerminal);
    }

    public async Task WriteReasoningAsync(string text)
    {
        await StopSpinnerAsync().ConfigureAwait(false);
        _ui.WriteReasoning(text);
    }

    public async Task WriteAsync(string chunk, CancellationToken cancellationToken)
    {
        chunk = UntrustedText.ForTerminal(chunk);
        if (chunk.Length == 0)
        {
            return;
        }

        await StopSpinnerAsync().ConfigureAwait(false);
        _ui.EndReasoning();
        await _writer!.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    public async Task EndAnswerAsync()
    {
        await StopSpinnerAsync().ConfigureAwait(false);
        _ui.EndReasoning();
        if (_writer is { } writer)
        {
            _writer = null;
            await writer.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task StopSpinnerAsync()
    {
        if (_spinner is { } spinner)
        {
            _spinner = null;
            await spinner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
