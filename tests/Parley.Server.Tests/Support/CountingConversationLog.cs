using Microsoft.Extensions.AI;

namespace Parley.Server.Tests;

/// <summary>An <see cref="IConversationLog"/> that passes every call to a real store and counts the messages it reads.</summary>
internal sealed class CountingConversationLog(IConversationLog inner) : IConversationLog
{
    private int _messagesRead;

    /// <summary>Messages returned by loads so far.</summary>
    public int MessagesRead => Volatile.Read(ref _messagesRead);

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

    public async Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var loaded = await inner.LoadAsync(conversationId, cancellationToken);
        Interlocked.Add(ref _messagesRead, loaded.Messages.Count);
        return loaded;
    }

    public async Task<IReadOnlyList<StoredMessage>> LoadMessagesAsync(string conversationId, long fromSequence, CancellationToken cancellationToken = default)
    {
        var loaded = await inner.LoadMessagesAsync(conversationId, fromSequence, cancellationToken);
        Interlocked.Add(ref _messagesRead, loaded.Count);
        return loaded;
    }
}
