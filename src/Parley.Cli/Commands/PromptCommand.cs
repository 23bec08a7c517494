using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Hosting;

namespace Parley.Cli;

/// <summary>What one-shot <c>parley "prompt"</c> was asked to do.</summary>
internal sealed record PromptRequest
{
    public required SessionRequest Session { get; init; }

    public required IReadOnlyList<string> Words { get; init; }

    public bool Stream { get; init; } = true;

    public bool Json { get; init; }

    /// <summary>The JSON answer asked for (<c>--schema</c>, <c>--json-object</c>): buffered, validated, printed alone; null: text.</summary>
    public ChatResponseFormat? ResponseFormat { get; init; }

    public bool ShowUsage { get; init; }

    /// <summary><c>-a/--attach</c>: files and image URLs sent with the prompt.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];
    /// <summary>Do not show the model's reasoning on stderr (<c>--hide-reasoning</c>).</summary>
    public bool HideReasoning { get; init; }

    /// <summary>Prints <c>parley --help</c> and returns its exit code: what a bare <c>parley</c> (no prompt, no input) does.</summary>
    public Func<int>? ShowHelp { get; init; }
}

/// <summary>One-shot prompts: the tutorial's sections 2, 3 and 10 (send, read the structure, choose the options).</summary>
internal sealed class PromptCommand
{
    private readonly CliServices _services;

    public PromptCommand(CliServices services) => _services = services;

    public async Task<int> RunAsync(PromptRequest request, CancellationToken cancellationToken)
    {
        var ui = _services.Interaction;
        var stdin = await PromptReader.ReadStandardInputAsync(cancellationToken).ConfigureAwait(false);
        var prompt = PromptReader.Combine(stdin, request.Words);
        if (prompt.Length == 0 && request.Session.MessagesFile is null && request.ShowHelp is { } showHelp)
        {
            // Nothing given at all (a terminal, /dev/null, an empty pipe): say what parley does instead of "empty prompt".
            return showHelp();
        }

        if (string.IsNullOrWhiteSpace(prompt) && request.Session.MessagesFile is null)
        {
            throw new CliUsageException("empty prompt: give it as an argument (parley \"Tell me a joke\") or on standard input (echo text | parley)");
        }

        await using var built = await new SessionBuilder(_services).BuildAsync(request.Session, cancellationToken, prompt).ConfigureAwait(false);
        // The file's final user message is the prompt only when none was given; a given prompt is its own message.
        prompt = built.FirstPrompt ?? prompt;

        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new CliUsageException($"empty prompt: {request.Session.MessagesFile} does not end with a user message, and no prompt was given");
        }

        var session = built.Session;
        var question = Attachment.Message(prompt, await AttachmentReader.ReadAllAsync(request.Attachments, session.ModelInfo, cancellationToken).ConfigureAwait(false));
        // A structured answer is printed only once it is whole and valid: nothing of it is streamed to stdout.
        var showAnswer = !request.Json && request.ResponseFormat is null;
        if (built.Approver is { } approver && !request.Json)
        {
            // A question about a tool call starts on its own line, after what the model said so far.
            approver.BeforeAsking = ui.EndAnswerAsync;
        }

        ChatTurn turn;
        try
        {
            if (request.Stream)
            {
                var stream = session.StreamAsync(question, cancellationToken);
                await foreach (var update in stream.ConfigureAwait(false))
                {
                    if (!request.HideReasoning && ShownAnswer.ReasoningOf(update) is { Length: > 0 } reasoning)
                    {
                        ui.WriteReasoning(reasoning);
                    }

                    if (showAnswer)
                    {
                        await ui.WriteAnswerAsync(ShownAnswer.Of(update), cancellationToken).ConfigureAwait(false);
                    }
                }

                turn = await stream.Turn.ConfigureAwait(false);
            }
            else
            {
                turn = await session.SendAsync(question, cancellationToken).ConfigureAwait(false);
                if (!request.HideReasoning && turn.Reasoning is { } reasoning)
                {
                    ui.WriteReasoning(reasoning);
                }

                if (showAnswer)
                {
                    await ui.WriteAnswerAsync(ShownAnswer.Of(turn), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (ParleyApiException e)
        {
            if (showAnswer)
            {
                await ui.EndAnswerAsync().ConfigureAwait(false);
            }
            else if (request.Json && session.LastTurn is { Status: TurnStatus.Interrupted } partial)
            {
                await ui.WriteOutputLineAsync(TurnJsonWriter.Write(partial, session.ConversationId)).ConfigureAwait(false);
            }

            _services.ReportApiError(e, built.Provider);
            return ExitCodes.RuntimeError;
        }
        catch (NotSupportedException e)
        {
            // The catalog says the model cannot take what was attached (an image): nothing was sent.
            _services.Interaction.Error(e.Message);
            return ExitCodes.UsageError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ui.EndAnswerAsync().ConfigureAwait(false);
            ui.Note("interrupted");
            return ExitCodes.Interrupted;
        }

        if (request.ResponseFormat is { } format)
        {
            if (StructuredAnswer.Check(turn, format, ui) is not { } value)
            {
                await CliChatClients.WhenCalibratedAsync(session.Client).ConfigureAwait(false);
                return ExitCodes.RuntimeError;
            }

            await ui.WriteOutputLineAsync(request.Json
                ? TurnJsonWriter.Write(turn, session.ConversationId, value)
                : value.GetRawText()).ConfigureAwait(false);
        }
        else if (request.Json)
        {
            await ui.WriteOutputLineAsync(TurnJsonWriter.Write(turn, session.ConversationId)).ConfigureAwait(false);
        }
        else
        {
            await ui.EndAnswerAsync().ConfigureAwait(false);
        }

        if (ContextNoticeFormatter.Format(turn.Context) is { } contextNotice)
        {
            ui.Note(contextNotice);
        }

        if (turn.Refusal is not null && request.ResponseFormat is null)
        {
            ui.Note(ShownAnswer.RefusalNote);
        }

        if (turn.FinishReason == ChatFinishReason.Length)
        {
            ui.Warn(request.Session.Generation.MaxOutputTokens is { } max
                ? $"answer cut at --max-tokens ({max})"
                : "answer cut: the model reached its output limit");
        }

        if (request.ShowUsage)
        {
            ui.Note(UsageLineFormatter.Format(turn, pricingEnabled: true));
        }

        await CliChatClients.WhenCalibratedAsync(session.Client).ConfigureAwait(false);
        if (ToolLimitNotice.For(turn, request.Session.Tools.ChainLimit) is { } stopped)
        {
            ui.Error(stopped);
            return ExitCodes.RuntimeError;
        }

        if (ToolLimitNotice.Reached(turn, request.Session.Tools.ChainLimit) is { } reached)
        {
            ui.Note(reached);
        }

        return ExitCodes.Ok;
    }
}
