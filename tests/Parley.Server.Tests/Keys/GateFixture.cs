namespace Parley.Server.Tests.Keys;

/// <summary>A <see cref="KeyRequestGate"/> over a real SQLite store in a temp folder, with a hand-set clock.</summary>
internal sealed class GateFixture : IAsyncDisposable
{
    private GateFixture(SqliteConversationStore store, ManualClock clock)
    {
        Store = store;
        Clock = clock;
        Gate = new KeyRequestGate(store, new SlidingWindowRateLimiter(clock), clock);
    }

    public SqliteConversationStore Store { get; }

    public ManualClock Clock { get; }

    public KeyRequestGate Gate { get; }

    public string DatabasePath => Store.DatabasePath!;

    public static async Task<GateFixture> OpenAsync()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        string folder = Path.Combine(Path.GetTempPath(), "parley-server-tests", Guid.NewGuid().ToString("N"));
        var store = await SqliteConversationStore.OpenAsync(Path.Combine(folder, "parley.db"), new ConversationStoreOptions { TimeProvider = clock });
        return new GateFixture(store, clock);
    }

    /// <summary>Creates a key and authenticates with it.</summary>
    public async Task<(string Secret, GateKey Key)> CreateKeyAsync(string name, ApiKeyLimits limits)
    {
        string secret = "pk-" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        Assert.NotNull(await Store.CreateKeyAsync(name, secret, limits));
        var key = await Gate.AuthenticateAsync(secret, CancellationToken.None);
        Assert.NotNull(key);
        return (secret, key);
    }

    public async ValueTask DisposeAsync()
    {
        string? folder = Path.GetDirectoryName(DatabasePath);
        await Store.DisposeAsync();
        try
        {
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
