using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OllamaSharp.Models.Chat;

namespace Parley.Hosting;

/// <summary>
/// Completes what OllamaSharp maps from Ollama's final line: the usage (<c>prompt_eval_count</c>,
/// <c>eval_count</c>) carries the server's own timings (<see cref="ServerTimings"/>), and a final line without a
/// <c>done_reason</c> (older servers) still ends the answer with <see cref="ChatFinishReason.Stop"/>.
/// </summary>
internal sealed class OllamaResponseChatClient : DelegatingChatClient
{
    public OllamaResponseChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (response.RawRepresentation is ChatDoneResponseStream done)
        {
            response.FinishReason ??= ChatFinishReason.Stop;
            response.Usage = WithTimings(response.Usage, done);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.RawRepresentation is ChatDoneResponseStream done)
            {
                update.FinishReason ??= ChatFinishReason.Stop;
                var usage = update.Contents.OfType<UsageContent>().FirstOrDefault();
                if (usage is null)
                {
                    update.Contents.Add(new UsageContent(WithTimings(null, done)));
                }
                else
                {
                    usage.Details = WithTimings(usage.Details, done);
                }
            }

            yield return update;
        }
    }

    internal static UsageDetails WithTimings(UsageDetails? usage, ChatDoneResponseStream done)
    {
        usage ??= new UsageDetails
        {
            InputTokenCount = done.PromptEvalCount,
            OutputTokenCount = done.EvalCount,
            TotalTokenCount = done.PromptEvalCount + done.EvalCount,
        };
        usage.AdditionalCounts ??= [];
        Set(usage.AdditionalCounts, ServerTimings.GenerationNanoseconds, done.EvalDuration);
        Set(usage.AdditionalCounts, ServerTimings.PromptNanoseconds, done.PromptEvalDuration);
        Set(usage.AdditionalCounts, ServerTimings.LoadNanoseconds, done.LoadDuration);
        return usage;

        static void Set(AdditionalPropertiesDictionary<long> counts, string key, long value)
        {
            if (value > 0)
            {
                counts[key] = value;
            }
        }
    }
}
