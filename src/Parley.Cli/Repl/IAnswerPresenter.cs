namespace Parley.Cli;

/// <summary>Shows an answer as it streams: plain text for pipes, rendered Markdown in a terminal.</summary>
internal interface IAnswerPresenter
{
    /// <summary>Called before the request is sent (a terminal shows a spinner until the first token).</summary>
    void BeginAnswer();

    /// <summary>A piece of the model's reasoning, shown dimmed on stderr before the answer (never on stdout).</summary>
    Task WriteReasoningAsync(string text);

    /// <summary>One streamed piece of the answer.</summary>
    Task WriteAsync(string chunk, CancellationToken cancellationToken);

    /// <summary>The answer ended (completely or not): flush what is pending.</summary>
    Task EndAnswerAsync();
}
