namespace Parley.Server;

/// <summary>
/// One lock per conversation in this process: requests on one conversation run one after the other (load, forward,
/// save), so each sees the turns before it. Entries live only while someone holds or waits for them.
/// </summary>
internal sealed class ConversationLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The lock name of the key's conversation <paramref name="clientId"/>.</summary>
    public static string NameOf(GateKey key, string clientId) => key.Name + "\n" + clientId;

    public async Task<IDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(name, out entry!))
            {
                entry = new Entry();
                _entries.Add(name, entry);
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(name, entry);
            throw;
        }

        return new Lease(this, name, entry);
    }

    private void Leave(string name, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(name);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Lease(ConversationLocks owner, string name, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                entry.Semaphore.Release();
                owner.Leave(name, entry);
            }
        }
    }
}
