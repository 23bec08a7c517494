using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// The chat loop: read an input, run a slash command or send a turn with memory, show the streamed answer.
/// Ctrl+C during an answer stops that answer (kept, marked interrupted); at the prompt it ends the program. With a
/// response format (<c>--schema</c>, <c>--json-object</c>) each answer is buffered and shown only when valid; an invalid
/// one is reported, stays in the conversation, and the chat goes on (exit 1 at the end).
/// </summary>
internal sealed class ChatRepl
{
    private readonly ReplContext _context;
    private readonly IReplInput _input;
    private readonly IAnswerPresenter _presenter;
    private readonly bool _stream;
    private readonly bool _showReasoning;
    private readonly ChatResponseFormat? _responseFormat;
    private int _refused;

    public ChatRepl(ReplContext context, IReplInput input, IAnswerPresenter presenter, bool stream = true, bool showReasoning = true, ChatResponseFormat? responseFormat = null)
    {
        _responseFormat = responseFormat;
        _showReasoning = showReasoning;
        _context = context;
        _input = input;
        _presenter = presenter;
        _stream = stream;
    }

    /// <summary>Runs until end of input or <c>/exit</c>; returns the exit code.</summary>
    public async Task<int> RunAsync(string? firstPrompt, CancellationToken applicationToken)
    {
        var failures = 0;
        var pending = firstPrompt;
        while (!_context.ExitRequested)
        {
            string? input;
            if (_context.PendingPrompt is { } retry)
            {
                input = retry;
                _context.PendingPrompt = null;
            }
            else if (pending is not null)
            {
                input = pending;
                pending = null;
            }
            else
            {
                // Waiting for the user is free time: a conversation that will soon be counted loads its tokenizer now.
                _context.Services.TokenizerWarmup.StartWhileIdle(_context.Session);
                input = await _input.ReadAsync(applicationToken).ConfigureAwait(false);
                if (input is null)
                {
                    break;
                }

                if (string.IsNullOrWhiteSpace(input))
                {
                    continue;
                }

                if (input.TrimStart().StartsWith('/') && !input.TrimStart().StartsWith("//", StringComparison.Ordinal))
                {
                    await ReplCommands.TryRunAsync(_context, input, applicationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (!await RunTurnAsync(input).ConfigureAwait(false))
            {
                failures++;
            }
        }

        await CliChatClients.WhenCalibratedAsync(_context.Session.Client).ConfigureAwait(false);
        return failures > 0 ? ExitCodes.RuntimeError : _refused > 0 ? ExitCodes.UsageError : ExitCodes.Ok;
    }

    private async Task<bool> RunTurnAsync(string prompt)
    {
        var interrupts = _context.Services.Interrupts;
        var token = interrupts.BeginTurn();
        var session = _context.Session;

        // The attachments go with this message, whatever becomes of it.
        var question = Attachment.Message(prompt, _context.PendingAttachments);
        _context.PendingAttachments.Clear();
        try
        {
            _presenter.BeginAnswer();
            ChatTurn last;
            if (_stream)
            {
                var stream = session.StreamAsync(question, token);
                await foreach (var update in stream.ConfigureAwait(false))
                {
                    if (_showReasoning && ShownAnswer.ReasoningOf(update) is { Length: > 0 } reasoning)
                    {
                        await _presenter.WriteReasoningAsync(reasoning).ConfigureAwait(false);
                    }

                    if (_responseFormat is null)
                    {
                        await _presenter.WriteAsync(ShownAnswer.Of(update), token).ConfigureAwait(false);
                    }
                }

                last = await stream.Turn.ConfigureAwait(false);
            }
            else
            {
                last = await session.SendAsync(question, token).ConfigureAwait(false);
                if (_showReasoning && last.Reasoning is { Length: > 0 } reasoning)
                {
                    await _presenter.WriteReasoningAsync(reasoning).ConfigureAwait(false);
                }

                if (_responseFormat is null)
                {
                    await _presenter.WriteAsync(ShownAnswer.Of(last), token).ConfigureAwait(false);
                }
            }

            var valid = true;
            if (_responseFormat is { } format)
            {
                if (StructuredAnswer.Check(last, format, _context.Ui) is { } value)
                {
                    await _presenter.WriteAsync(value.GetRawText(), token).ConfigureAwait(false);
                }
                else
                {
                    valid = false;
                }
            }

            await _presenter.EndAnswerAsync().ConfigureAwait(false);
            if (ContextNoticeFormatter.Format(last.Context) is { } contextNotice)
            {
                _context.Ui.Note(contextNotice);
            }

            if (last.Refusal is not null && _responseFormat is null)
            {
                _context.Ui.Note(ShownAnswer.RefusalNote);
            }

            if (last.FinishReason == ChatFinishReason.Length)
            {
                _context.Ui.Warn("answer cut at the output limit (--max-tokens)");
            }

            if (_context.ShowUsage)
            {
                _context.Ui.Note(UsageLineFormatter.Format(last, pricingEnabled: true));
            }

            if (ToolLimitNotice.For(last, _context.Session.MaxToolRounds) is { } stopped)
            {
                _context.Ui.Error(stopped);
                return false;
            }

            if (ToolLimitNotice.Reached(last, _context.Session.MaxToolRounds) is { } reached)
            {
                _context.Ui.Note(reached);
            }

            return valid;
        }
        catch (OperationCanceledException) when (!interrupts.ApplicationInterrupted)
        {
            await _presenter.EndAnswerAsync().ConfigureAwait(false);
            _context.Ui.Note("answer interrupted (kept in the conversation)");
            return true;
        }
        catch (ParleyApiException e)
        {
            await _presenter.EndAnswerAsync().ConfigureAwait(false);
            _context.Services.ReportApiError(e, _context.Provider);
            return false;
        }
        catch (CostBudgetExceededException e)
        {
            // Nothing was sent; the conversation goes on (a shorter question, /model or /reset may fit).
            await _presenter.EndAnswerAsync().ConfigureAwait(false);
            _context.Ui.Error(e.Message);
            return false;
        }
        catch (Exception e) when (e is ContextWindowExceededException or NotSupportedException)
        {
            // Nothing was sent: the conversation goes on, and the exit code says a message was refused.
            await _presenter.EndAnswerAsync().ConfigureAwait(false);
            _context.Ui.Error(e.Message);
            _refused++;
            return true;
        }
        finally
        {
            interrupts.EndTurn();
        }
    }
}
