using Microsoft.Extensions.AI;

namespace Parley.Tests.Sessions;

/// <summary>
/// A log written by someone else: it passes every call to a real store but implements only the members an older
/// <see cref="IConversationLog"/> had, so <see cref="IConversationLog.CompleteTurnWithMessagesAsync"/> takes its default.
/// </summary>
internal sealed class PassThroughConversationLog(IConversationLog inner) : IConversationLog
{
    public Task<ConversationRecord> CreateConversationAsync(NewConversation conversation, CancellationToken cancellationToken = default) =>
        inner.CreateConversationAsync(conversation, cancellationToken);

    public Task<ConversationRecord> UpdateConversationAsync(string conversationId, ConversationUpdate update, CancellationToken cancellationToken = default) =>
        inner.UpdateConversationAsync(conversationId, update, cancellationToken);

    public Task<IReadOnlyList<StoredMessage>> AppendMessagesAsync(string conversationId, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default) =>
        inner.AppendMessagesAsync(conversationId, messages, cancellationToken);

    public Task<TurnRecord> BeginTurnAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts = null, CancellationToken cancellationToken = default) =>
        inner.BeginTurnAsync(conversationId, userMessage, tokenCounts, cancellationToken);

    public Task<TurnRecord> CompleteTurnAsync(TurnRecord turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts = null, CancellationToken cancellationToken = default) =>
        inner.CompleteTurnAsync(turn, assistantMessage, outcome, assistantTokenCounts, cancellationToken);

    public Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken = default) =>
        inner.RecordSummaryCallAsync(conversationId, outcome, cancellationToken);

    public Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken = default) =>
        inner.LoadAsync(conversationId, cancellationToken);
}
