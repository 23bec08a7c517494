using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The saved conversations as a history screen sees them: find, list, search, delete, import, and the usage report;
/// and per virtual key, the conversations a gateway's clients named (what a web chat lists, opens and edits).
/// Implementations are safe to use while sessions write through <see cref="IConversationLog"/>.
/// </summary>
public interface IConversationHistory
{
    /// <summary>Creates a conversation from a list of messages in one transaction (import).</summary>
    /// <param name="conversation">The new conversation's settings.</param>
    /// <param name="messages">The messages, in order; their role and contents are stored (text, tool calls and results, attachments; not reasoning).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new conversation.</returns>
    Task<ConversationRecord> ImportAsync(NewConversation conversation, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Finds the most recently updated conversation.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation, or <see langword="null"/> when there is none.</returns>
    Task<ConversationRecord?> FindLatestAsync(CancellationToken cancellationToken = default);

    /// <summary>Resolves a full id or a unique prefix of at least 4 characters (dashes are ignored, case does not matter).</summary>
    /// <param name="idOrPrefix">The id or prefix.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The full id.</returns>
    /// <exception cref="ArgumentException">The prefix is shorter than 4 characters or not hexadecimal.</exception>
    /// <exception cref="ConversationNotFoundException">
    /// The prefix matches no conversation, or more than one (then <see cref="ConversationNotFoundException.Candidates"/> lists them).
    /// </exception>
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

    // A gateway's clients name their conversations (parley serve's X-Parley-Conversation), one set per virtual key:
    // the members below are what a web chat lists, opens, searches and edits. A key sees only its own: each takes the
    // key's name (null for conversations made without a key), and another key's conversation is never found.
    // Conversations made without a client id are not part of this view.

    /// <summary>Finds the key's conversation with the client id, without creating it.</summary>
    /// <param name="keyName">The virtual key's name; <see langword="null"/> for conversations made without a key.</param>
    /// <param name="clientId">The id the client chose.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation's full id in the store, or <see langword="null"/> when the key has no such conversation.</returns>
    Task<string?> FindClientConversationAsync(string? keyName, string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the key's named conversations, most recently updated first, with their totals and
    /// <see cref="ConversationListItem.ClientId"/>; with <paramref name="search"/>, only those with a message that matches
    /// it, as <see cref="IConversationHistory.SearchAsync"/> matches.
    /// </summary>
    /// <param name="keyName">The virtual key's name; <see langword="null"/> for conversations made without a key.</param>
    /// <param name="search">Text every match must contain; <see langword="null"/> or blank lists all.</param>
    /// <param name="limit">The most conversations to return (1 or more).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversations.</returns>
    Task<IReadOnlyList<ConversationListItem>> ListClientConversationsAsync(string? keyName, string? search, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every message after the first <paramref name="keepMessages"/> (the user's explicit choice: regenerate an
    /// answer, ask an earlier question again), in one transaction. The turns that made them stay, with their usage and
    /// cost (the money was spent), but no longer point at the removed messages; a running summary that covered a
    /// removed message is cleared.
    /// </summary>
    /// <param name="conversationId">The conversation's full id.</param>
    /// <param name="keepMessages">How many messages to keep, in sequence order (0 or more).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many messages were removed (0 when the conversation has no more than <paramref name="keepMessages"/>).</returns>
    /// <exception cref="ConversationNotFoundException">No conversation has this id.</exception>
    Task<int> TruncateAsync(string conversationId, int keepMessages, CancellationToken cancellationToken = default);
}
