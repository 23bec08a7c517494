using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Stores conversations: their messages, and every model call (turn) with its usage and cost.
/// History is only appended; messages and turns are never rewritten, only a conversation's own
/// settings (title, model, system prompt, running summary) change.
/// </summary>
/// <remarks>
/// A turn is written in two short transactions so a crash never loses the question:
/// <see cref="BeginTurnAsync"/> saves the user message with a <see cref="TurnStatus.Pending"/> turn,
/// <see cref="CompleteTurnAsync"/> saves the answer and the turn's final status. Conversation ids
/// are UUID v7 in 32 lowercase hexadecimal characters; methods that take an id need the full id
/// (use <see cref="ResolveIdAsync"/> for a prefix).
/// </remarks>
public interface IConversationStore : IAsyncDisposable
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
    /// <param name="messages">The messages; their role and text are stored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored messages with their sequence numbers.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<IReadOnlyList<StoredMessage>> AppendMessagesAsync(string conversationId, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Saves the user message and a pending turn, before the model is called.</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="userMessage">The user's message.</param>
    /// <param name="tokenCounts">The message's token count per encoding, if counted.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The pending turn, to complete with <see cref="CompleteTurnAsync"/>.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<PendingTurn> BeginTurnAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts = null, CancellationToken cancellationToken = default);

    /// <summary>Saves the answer (if any) and the turn's final status, usage, cost and timings.</summary>
    /// <param name="turn">The pending turn from <see cref="BeginTurnAsync"/>.</param>
    /// <param name="assistantMessage">The answer; <see langword="null"/> when none arrived. A partial answer may be saved with an interrupted status.</param>
    /// <param name="outcome">How the call ended; its status must not be <see cref="TurnStatus.Pending"/>.</param>
    /// <param name="assistantTokenCounts">The answer's token count per encoding, if counted.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The completed turn.</returns>
    /// <exception cref="InvalidOperationException">The turn is not pending any more.</exception>
    Task<TurnRecord> CompleteTurnAsync(PendingTurn turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts = null, CancellationToken cancellationToken = default);

    /// <summary>Records a summary call (a turn of kind <see cref="TurnKind.Summary"/>) with its own usage and cost.</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="outcome">How the call ended.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The recorded turn.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>Creates a conversation from a list of messages in one transaction (import).</summary>
    /// <param name="conversation">The new conversation's settings.</param>
    /// <param name="messages">The messages, in order; their role and text are stored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new conversation.</returns>
    Task<ConversationRecord> ImportAsync(NewConversation conversation, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Loads a conversation: metadata, messages in order and turns.</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Finds the most recently updated conversation.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation, or <see langword="null"/> when there is none.</returns>
    Task<ConversationRecord?> FindLatestAsync(CancellationToken cancellationToken = default);

    /// <summary>Resolves a full id or a unique prefix of at least 4 characters (dashes are ignored, case does not matter).</summary>
    /// <param name="idOrPrefix">The id or prefix.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The full id.</returns>
    /// <exception cref="ArgumentException">The prefix is shorter than 4 characters or not hexadecimal.</exception>
    /// <exception cref="AmbiguousConversationIdException">The prefix matches more than one conversation.</exception>
    /// <exception cref="ConversationNotFoundException">The prefix matches no conversation.</exception>
    Task<string> ResolveIdAsync(string idOrPrefix, CancellationToken cancellationToken = default);

    /// <summary>Lists conversations, most recently updated first, with their turn count, tokens and cost.</summary>
    /// <param name="limit">The most conversations to return; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversations.</returns>
    Task<IReadOnlyList<ConversationListItem>> ListAsync(int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds conversations whose messages contain the text (case-insensitive; every whitespace-separated
    /// term must occur in the same message). Newest matches first, one hit per conversation.
    /// </summary>
    /// <param name="text">The text to find; any language (the index uses trigrams, terms shorter than 3 characters fall back to a scan).</param>
    /// <param name="limit">The most conversations to return.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The hits.</returns>
    Task<IReadOnlyList<SearchHit>> SearchAsync(string text, int limit = 20, CancellationToken cancellationToken = default);

    /// <summary>Deletes a conversation with all its messages and turns.</summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the conversation is deleted.</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task DeleteAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Sums tokens and cost of all turns (chat and summary) by local day, model and conversation.</summary>
    /// <param name="since">The first local day to include; <see langword="null"/> for all time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The report.</returns>
    Task<UsageReport> GetUsageReportAsync(DateOnly? since = null, CancellationToken cancellationToken = default);
}
