using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Sits under <see cref="FunctionInvokingChatClient"/> in a turn that offers tools: every round of the tool loop passes
/// through the session's checks (<see cref="ToolRounds.PrepareAsync"/>: context policy, window preflight, cost budget)
/// before it is sent, and what each round used is added to the turn's spending, so the next round's budget check
/// counts it. Made for one turn; holds no state of its own.
/// </summary>
internal sealed class ToolRoundChatClient : DelegatingChatClient
{
    private readonly ToolRounds _rounds;

    public ToolRoundChatClient(IChatClient innerClient, ToolRounds rounds)
        : base(innerClient)
    {
        _rounds = rounds;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = await _rounds.PrepareAsync(messages, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(request, options, cancellationToken).ConfigureAwait(false);
        _rounds.Spend(response.Usage);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = await _rounds.PrepareAsync(messages, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(request, options, cancellationToken).ConfigureAwait(false))
        {
            foreach (var content in update.Contents)
            {
                if (content is UsageContent { Details: { } usage })
                {
                    _rounds.Spend(usage);
                }
            }

            yield return update;
        }
    }
}
