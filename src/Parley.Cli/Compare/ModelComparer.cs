using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// Sends the same prompt to every model, <c>runs</c> times each: within a run all models at once, or one after another
/// (<c>sequential</c>) so their timings do not disturb each other. Each answer is a fresh one-turn
/// <see cref="ChatSession"/>, so latency, time to first token (always streamed), usage and cost are measured the
/// same way as for any turn.
/// </summary>
internal sealed class ModelComparer
{
    private readonly TimeProvider _time;
    private readonly TokenCounter _counter;
    private readonly Func<ParleyApiException, ResolvedProvider, string> _describe;

    public ModelComparer(TimeProvider time, TokenCounter counter, Func<ParleyApiException, ResolvedProvider, string> describe)
    {
        _time = time;
        _counter = counter;
        _describe = describe;
    }

    public async Task<IReadOnlyList<ComparisonResult>> RunAsync(
        IReadOnlyList<CompareTarget> targets, string prompt, string? systemPrompt, ChatOptions generation, int runs, bool sequential, CancellationToken cancellationToken)
    {
        var turns = targets.Select(_ => new List<ChatTurn>()).ToArray();
        var errors = targets.Select(t => t.SetupError is null ? new List<string>() : [t.SetupError]).ToArray();
        for (var run = 0; run < runs; run++)
        {
            var pending = new List<(int Index, Task<(ChatTurn? Turn, string? Error)> Task)>();
            for (var i = 0; i < targets.Count; i++)
            {
                if (targets[i].Client is null)
                {
                    continue;
                }

                var task = AskAsync(targets[i], prompt, systemPrompt, generation, cancellationToken);
                if (sequential)
                {
                    await task.ConfigureAwait(false);
                }

                pending.Add((i, task));
            }

            foreach (var (index, task) in pending)
            {
                var (turn, error) = await task.ConfigureAwait(false);
                if (turn is not null)
                {
                    turns[index].Add(turn);
                }

                if (error is not null)
                {
                    errors[index].Add(error);
                }
            }
        }

        return [.. targets.Select((t, i) => new ComparisonResult
        {
            Model = t.Model,
            Turns = turns[i],
            Errors = errors[i],
            Runs = runs,
            NumCtx = t.Client?.GetService<OllamaContextSizeChatClient>()?.CurrentSize(t.Model.Provider.Model),
        })];
    }

    private async Task<(ChatTurn? Turn, string? Error)> AskAsync(
        CompareTarget target, string prompt, string? systemPrompt, ChatOptions generation, CancellationToken cancellationToken)
    {
        var session = new ChatSession(target.Client!, new ChatSessionOptions
        {
            Model = target.Model.Provider.Model,
            SystemPrompt = systemPrompt,
            ChatOptions = generation,
            Catalog = target.Model.Catalog,
            TokenCounter = _counter,
            ProviderName = target.Model.Provider.Name,
            TimeProvider = _time,
        });
        try
        {
            var stream = session.StreamAsync(Attachment.Message(prompt, target.Attachments), cancellationToken);
            await foreach (var _ in stream.ConfigureAwait(false))
            {
            }

            return (await stream.Turn.ConfigureAwait(false), null);
        }
        catch (ParleyApiException e)
        {
            return (null, _describe(e, target.Model.Provider));
        }
        catch (Exception e) when (e is ContextWindowExceededException or NotSupportedException)
        {
            // Nothing was sent to this model (the prompt does not fit, or it reads no images); the others still answer.
            return (null, e.Message);
        }
    }
}
