namespace Parley.Cli;

/// <summary>Writes the answer's text to stdout exactly as it arrives, then ends it with a newline.</summary>
internal sealed class PlainAnswerPresenter : IAnswerPresenter
{
    private readonly ConsoleInteraction _ui;

    public PlainAnswerPresenter(ConsoleInteraction ui) => _ui = ui;

    public void BeginAnswer()
    {
    }

    public Task WriteReasoningAsync(string text)
    {
        _ui.WriteReasoning(text);
        return Task.CompletedTask;
    }

    public Task WriteAsync(string chunk, CancellationToken cancellationToken) => _ui.WriteAnswerAsync(chunk, cancellationToken);

    public Task EndAnswerAsync() => _ui.EndAnswerAsync();
}
