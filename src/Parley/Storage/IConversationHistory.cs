using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The saved conversations as a history screen sees them: find, list, search, delete, import, and the usage report.
/// Implementations are safe to use while sessions write through <see cref="IConversationLog"/>.
/// </summary>
public interface IConversationHistory
{
    /// <summary>Creates a conversation from a list of messages in one transaction (import).</summary>
    /// <param name="conversation">The new conversation's settings.</param>
    /// <param name="messages">The messages, in order; their role and text are stored.</param>
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

}
