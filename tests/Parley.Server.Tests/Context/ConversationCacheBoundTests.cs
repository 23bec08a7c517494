using Microsoft.Extensions.AI;

namespace Parley.Server.Tests;

/// <summary><see cref="ConversationCache"/> keeps at most its bound of conversations and messages, the most recently used.</summary>
public sealed class ConversationCacheBoundTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "parley-cache-" + Guid.NewGuid().ToString("N") + ".db");
    private SqliteConversationStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteConversationStore.OpenAsync(_path);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    private async Task<string> ConversationAsync(string clientId, int messages)
    {
        var record = await _store.ImportAsync(
            new NewConversation { ClientId = clientId },
            Enumerable.Range(0, messages).Select(i => new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"{clientId} {i}")));
        return record.Id;
    }

    [Fact]
    public async Task Load_MoreConversationsThanTheBound_KeepsTheMostRecentlyUsed()
    {
        var cache = new ConversationCache(maxConversations: 2, maxMessages: 1_000);
        var ids = new List<string>();
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            ids.Add(await ConversationAsync(name, 4));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var loaded = await cache.LoadAsync(_store, ConversationCache.KeyOf(null, "abcd"[i].ToString()), ids[i], CancellationToken.None);
            Assert.Equal(4, loaded.Count);
        }

        Assert.Equal(2, cache.Count);
        Assert.Equal(8, cache.MessageCount);
    }

    [Fact]
    public async Task Load_MessagesOverTheBound_LetsGoOfTheOldestAndKeepsNoneLargerThanTheBound()
    {
        var cache = new ConversationCache(maxConversations: 10, maxMessages: 10);
        var small = await ConversationAsync("small", 4);
        var other = await ConversationAsync("other", 4);
        var medium = await ConversationAsync("medium", 6);
        var huge = await ConversationAsync("huge", 11);

        await cache.LoadAsync(_store, "small", small, CancellationToken.None);
        await cache.LoadAsync(_store, "other", other, CancellationToken.None);
        await cache.LoadAsync(_store, "medium", medium, CancellationToken.None);
        Assert.Equal((2, 10), (cache.Count, cache.MessageCount)); // "small" let go

        var loaded = await cache.LoadAsync(_store, "huge", huge, CancellationToken.None);
        Assert.Equal(11, loaded.Count);
        Assert.Equal((2, 10), (cache.Count, cache.MessageCount)); // too large to keep: the others stay
    }
}
