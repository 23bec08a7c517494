namespace Parley;

/// <summary>
/// A whole conversation store, as a host opens it: the <see cref="IConversationLog"/> that sessions write turns to,
/// the <see cref="IConversationHistory"/> that history screens query, and the storage it owns (disposed with it).
/// </summary>
/// <remarks>
/// Hand a session only the log and a history screen only the history; this union is for the code that opens, shares
/// and disposes the store (the CLI, a gateway). Every implementation passes the same contract tests.
/// </remarks>
public interface IConversationStore : IConversationLog, IConversationHistory, IAsyncDisposable
{
}
