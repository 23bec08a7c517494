namespace Parley;

/// <summary>
/// A store shared by several processes (a server database) that can lock one conversation for all of them: while one
/// holder has the lock, every other caller for the same conversation waits. Gateway replicas hold it while they append
/// a turn, so turns sent at the same time through different replicas are saved one after the other, never interleaved.
/// </summary>
public interface IConversationLockStore
{
    /// <summary>Waits until this caller holds the conversation's lock for every process on the database; disposing the result releases it.</summary>
    /// <param name="conversationId">The conversation's id in the store.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The held lock.</returns>
    Task<IAsyncDisposable> LockConversationAsync(string conversationId, CancellationToken cancellationToken = default);
}
