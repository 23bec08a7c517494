namespace Parley.Server;

/// <summary>
/// The named conversations this process loaded, kept between turns so a turn reads from the store only what the
/// conversation gained since (its own last turn, or another replica's), never its whole history again. Bounded: at most
/// <c>maxConversations</c> conversations and <c>maxMessages</c> messages in all, the least recently used let go first
/// (a conversation larger than the whole bound is not kept). Each use checks the kept copy against the store first, so a
/// conversation changed elsewhere (another replica's turns, a truncate, a delete) is read again, never served stale.
/// </summary>
internal sealed class ConversationCache
{
    /// <summary>The default bound on conversations kept.</summary>
    public const int DefaultMaxConversations = 1_000;

    /// <summary>The default bound on messages kept, all conversations together.</summary>
    public const int DefaultMaxMessages = 100_000;

    private readonly int _maxConversations;
    private readonly int _maxMessages;
    private readonly Dictionary<string, LinkedListNode<Kept>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Kept> _recent = new(); // most recently used first
    private int _messages;

    public ConversationCache(int maxConversations = DefaultMaxConversations, int maxMessages = DefaultMaxMessages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxConversations);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessages);
        _maxConversations = maxConversations;
        _maxMessages = maxMessages;
    }

    /// <summary>How many conversations are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>How many messages are kept now, all conversations together.</summary>
    public int MessageCount
    {
        get
        {
            lock (_entries)
            {
                return _messages;
            }
        }
    }

    /// <summary>The cache key of the key owner's conversation <paramref name="clientId"/> (the store's: owner and client id).</summary>
    public static string KeyOf(string? owner, string clientId) => (owner ?? string.Empty) + "\n" + clientId;

    /// <summary>
    /// The conversation <paramref name="storeId"/> as the store holds it now: the kept copy brought up to date (its last
    /// message read again to check it is unchanged, and the ones after it), else loaded whole. The caller holds the
    /// conversation's lock. On any failure nothing is kept for it.
    /// </summary>
    public async Task<CachedConversation> LoadAsync(IConversationLog log, string key, string storeId, CancellationToken cancellationToken)
    {
        var conversation = Take(key);
        if (conversation is not null && conversation.StoreId == storeId)
        {
            var from = conversation.LastSequence;
            var tail = await log.LoadMessagesAsync(storeId, from, cancellationToken).ConfigureAwait(false);
            if (from == 0)
            {
                conversation.Append(tail);
            }
            else if (tail.Count > 0 && conversation.EndsWith(tail[0]))
            {
                conversation.Append(tail.Skip(1));
            }
            else
            {
                conversation = null; // changed under it (truncated and written again): read it whole
            }
        }
        else
        {
            conversation = null;
        }

        if (conversation is null)
        {
            var stored = await log.LoadAsync(storeId, cancellationToken).ConfigureAwait(false);
            conversation = new CachedConversation(storeId, stored.Messages);
        }

        Put(key, conversation);
        return conversation;
    }

    /// <summary>Forgets a conversation (truncated, deleted, or its turn not saved).</summary>
    public void Remove(string key)
    {
        lock (_entries)
        {
            if (_entries.Remove(key, out var node))
            {
                _recent.Remove(node);
                _messages -= node.Value.Messages;
            }
        }
    }

    private CachedConversation? Take(string key)
    {
        lock (_entries)
        {
            if (!_entries.Remove(key, out var node))
            {
                return null;
            }

            _recent.Remove(node);
            _messages -= node.Value.Messages;
            return node.Value.Conversation;
        }
    }

    private void Put(string key, CachedConversation conversation)
    {
        lock (_entries)
        {
            if (_entries.Remove(key, out var old))
            {
                _recent.Remove(old);
                _messages -= old.Value.Messages;
            }

            if (conversation.Count > _maxMessages || _maxConversations == 0)
            {
                return;
            }

            while (_entries.Count >= _maxConversations || _messages + conversation.Count > _maxMessages)
            {
                var oldest = _recent.Last!;
                _recent.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _messages -= oldest.Value.Messages;
            }

            _entries[key] = _recent.AddFirst(new Kept(key, conversation, conversation.Count));
            _messages += conversation.Count;
        }
    }

    private sealed record Kept(string Key, CachedConversation Conversation, int Messages);
}
