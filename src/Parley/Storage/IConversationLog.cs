using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The conversation log a session writes to: it creates its conversation, appends messages, saves each turn and each
/// summary call, and loads a saved conversation to continue it. History is only appended; messages and turns are never
/// rewritten, only a conversation's own settings (title, model, system prompt, running summary) change (messages are
/// removed only by the user's explicit <see cref="IConversationHistory.TruncateAsync"/> or delete).
/// </summary>
/// <remarks>
/// A turn is written in two short transactions so a crash never loses the question:
/// <see cref="BeginTurnAsync"/> saves the user message with a <see cref="TurnStatus.Pending"/> turn,
/// <see cref="CompleteTurnAsync"/> saves the answer and the turn's final status. Conversation ids
/// are UUID v7 in 32 lowercase hexadecimal characters; methods that take an id need the full id
/// (<see cref="IConversationHistory.ResolveIdAsync"/> resolves a prefix). Implementations are safe to share between
/// concurrent sessions. The log does not own its storage: whoever opened the store disposes it.
/// </remarks>
public interface IConversationLog
{
    /// <summary>Creates a conversation.</summary>
    /// <param name="conversation">Its settings.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new conversation.</returns>
    Task<ConversationRecord> CreateConversationAsync(NewConversation conversation, CancellationToken cancellationToken = default);

    /// <summary>Changes a conversation's settings (title, model, system prompt, running summary, …).</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="update">The changes; <see langword="null"/> properties stay as they are.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation after the change.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<ConversationRecord> UpdateConversationAsync(string conversationId, ConversationUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Appends messages outside of a turn (a system message, few-shot examples, imported history) in one transaction.</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="messages">The messages; their role and contents are stored (text, tool calls and results, attachments; not reasoning).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored messages with their sequence numbers.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<IReadOnlyList<StoredMessage>> AppendMessagesAsync(string conversationId, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Saves the user message and a pending turn, before the model is called.</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="userMessage">The user's message.</param>
    /// <param name="tokenCounts">The message's token count per encoding, if counted.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// The pending turn (<see cref="TurnStatus.Pending"/>, with its id, conversation, the question's
    /// <see cref="TurnRecord.UserSequence"/> and creation time), to complete with <see cref="CompleteTurnAsync"/>.
    /// </returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<TurnRecord> BeginTurnAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts = null, CancellationToken cancellationToken = default);

    /// <summary>Saves the answer (if any) and the turn's final status, usage, cost and timings.</summary>
    /// <param name="turn">The pending turn <see cref="BeginTurnAsync"/> returned (or a pending turn loaded from the store).</param>
    /// <param name="assistantMessage">The answer; <see langword="null"/> when none arrived. A partial answer may be saved with an interrupted status.</param>
    /// <param name="outcome">How the call ended; its status must not be <see cref="TurnStatus.Pending"/>.</param>
    /// <param name="assistantTokenCounts">The answer's token count per encoding, if counted.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The completed turn.</returns>
    /// <exception cref="InvalidOperationException">The turn is not pending any more.</exception>
    Task<TurnRecord> CompleteTurnAsync(TurnRecord turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves every message of the turn's answer in order — an assistant message with tool calls, the tool results, …, the
    /// final answer — and the turn's final status, as <see cref="CompleteTurnAsync"/> saves one answer: the turn's
    /// <see cref="TurnRecord.AssistantSequence"/> is the last message's, and the messages between the question and it
    /// belong to the turn. Every content of the messages is saved (tool calls, tool results, attachments), except reasoning.
    /// </summary>
    /// <param name="turn">The pending turn <see cref="BeginTurnAsync"/> returned (or a pending turn loaded from the store).</param>
    /// <param name="responseMessages">The answer's messages in order; empty when none arrived.</param>
    /// <param name="outcome">How the call ended; its status must not be <see cref="TurnStatus.Pending"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The completed turn.</returns>
    /// <exception cref="InvalidOperationException">The turn is not pending any more.</exception>
    /// <remarks>
    /// The built-in stores write the messages in the transaction that completes the turn. The default, for other stores,
    /// appends the messages before the last (<see cref="AppendMessagesAsync"/>), then completes the turn with the last.
    /// </remarks>
    async Task<TurnRecord> CompleteTurnWithMessagesAsync(TurnRecord turn, IReadOnlyList<ChatMessage> responseMessages, TurnOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(responseMessages);
        if (responseMessages.Count > 1)
        {
            await AppendMessagesAsync(turn.ConversationId, responseMessages.Take(responseMessages.Count - 1), cancellationToken).ConfigureAwait(false);
        }

        return await CompleteTurnAsync(turn, responseMessages.Count > 0 ? responseMessages[^1] : null, outcome, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a summary call (a turn whose <see cref="TurnRecord.IsSummary"/> is true) with its own usage and cost.</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="outcome">How the call ended.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The recorded turn.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>Loads a conversation: metadata, messages in order and turns.</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Loads a conversation's messages from <paramref name="fromSequence"/> on, in order: what a caller that keeps a
    /// conversation in memory reads to catch up (the message it has last, to check it is still there, and those after).
    /// </summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="fromSequence">The first sequence number to return; 0 returns every message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The messages whose sequence is <paramref name="fromSequence"/> or more, oldest first.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    /// <remarks>The default loads the whole conversation and keeps the tail; the built-in stores read only the tail.</remarks>
    async Task<IReadOnlyList<StoredMessage>> LoadMessagesAsync(string conversationId, long fromSequence, CancellationToken cancellationToken = default)
    {
        var conversation = await LoadAsync(conversationId, cancellationToken).ConfigureAwait(false);
        return [.. conversation.Messages.Where(m => m.Sequence >= fromSequence)];
    }

    /// <summary>
    /// Gets whether several processes (gateway replicas on one server database) write this store's conversations at
    /// once, so an append takes <see cref="LockConversationAsync"/> first. False by default: one process writes, and
    /// it orders its own appends.
    /// </summary>
    bool SharesConversations => false;

    /// <summary>
    /// Waits until this caller holds the conversation's lock for every process on the database (every other caller for
    /// the same conversation waits); disposing the result releases it. Gateway replicas hold it while they append a
    /// turn, so turns sent at the same time through different replicas are saved one after the other, never interleaved.
    /// </summary>
    /// <param name="conversationId">The conversation's id in the store.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The held lock.</returns>
    /// <exception cref="NotSupportedException"><see cref="SharesConversations"/> is false (the default).</exception>
    Task<IAsyncDisposable> LockConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This store is written by one process: it has no conversation lock shared by processes.");
}
