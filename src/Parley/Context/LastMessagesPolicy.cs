using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Sends the system message and the last <see cref="Count"/> messages, moving the cut forward so a tool call keeps its
/// results and the kept history starts with a question. The newest question is always sent. Counts messages, not
/// tokens: long messages can still overflow the window (the preflight then refuses the turn).
/// </summary>
internal sealed class LastMessagesPolicy : ContextPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="count">How many messages after the system message to keep; positive.</param>
    public LastMessagesPolicy(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
    }

    /// <summary>How many messages after the system message are kept, at most (the newest turn always is).</summary>
    public int Count { get; }

    /// <inheritdoc/>
    public override string Name => $"last:{Count}";

    /// <inheritdoc/>
    /// <remarks>Never counts to choose: only the messages it sends are counted, by the preflight.</remarks>
    public override bool NeedsTokenCount(IReadOnlyList<ChatMessage> messages, ContextBudget budget, double share = 1.0)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return base.NeedsTokenCount(ApplyAsync(new ContextRequest { Messages = messages }).GetAwaiter().GetResult().Messages, budget, share);
    }

    /// <inheritdoc/>
    public override Task<ContextResult> ApplyAsync(ContextRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = request.Messages;
        var headCount = HistoryShape.HeadCount(messages);
        var head = messages.Take(headCount).ToList();
        var body = messages.Skip(headCount).ToList();
        var newest = HistoryShape.NewestTurnStart(body);
        var start = Math.Max(0, body.Count - Count);
        while (start > 0 && start < body.Count && HistoryShape.IsToolResult(body[start]))
        {
            start++;
        }

        if (start > 0)
        {
            start = HistoryShape.AlignToTurn(body, start, newest);
        }

        start = Math.Min(start, newest);
        return Task.FromResult(new ContextResult
        {
            Messages = HistoryShape.Compose(head, null, body, start),
            Dropped = start,
        });
    }
}
