namespace Parley.Tests.Storage;

public sealed class SqliteApiKeyStoreContractTests : ApiKeyStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override async Task<IApiKeyStore> OpenStoreAsync(ConversationStoreOptions? options) =>
        await SqliteConversationStore.OpenAsync(_folder.File("parley.db"), options);

    [Fact]
    public async Task Reserve_FiftyConcurrentFromTwoConnections_NeverExceedsTheBudget()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var key = await first.CreateKeyAsync("alice", NewSecret(), new ApiKeyLimits(DailyUsd: 1m));

        var reservations = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).ReserveAsync(key!.Id, 0.03m))));

        Assert.Equal(33, reservations.Count(r => r.Granted));
        Assert.Equal(0.99m, (await second.ListKeysAsync()).Single().SpentTodayUsd);
    }

    [Fact]
    public async Task RevokeKey_ThroughAnotherConnection_SeenAtOnce()
    {
        var gateway = await OpenAsync();
        var cli = await OpenAsync();
        string secret = NewSecret();
        await cli.CreateKeyAsync("alice", secret, ApiKeyLimits.None);
        Assert.Null((await gateway.FindKeyAsync(secret))?.RevokedAt);

        await cli.RevokeKeyAsync("alice");

        Assert.NotNull((await gateway.FindKeyAsync(secret))?.RevokedAt);
    }

    [Fact]
    public async Task CreateKey_TheFile_HoldsOnlyTheHashNeverTheSecret()
    {
        string secret = NewSecret();
        await using (var store = await SqliteConversationStore.OpenAsync(_folder.File("parley.db")))
        {
            await store.CreateKeyAsync("alice", secret, ApiKeyLimits.None);
        }

        string file = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(_folder.File("parley.db")));
        Assert.DoesNotContain(secret, file);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret))), file);
    }

    public void Dispose() => _folder.Dispose();
}
