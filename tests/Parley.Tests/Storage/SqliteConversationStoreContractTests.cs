namespace Parley.Tests.Storage;

public sealed class SqliteConversationStoreContractTests : ConversationStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override async Task<IConversationStore> OpenAsync(ConversationStoreOptions? options = null) =>
        await SqliteConversationStore.OpenAsync(_folder.File("parley.db"), options);

    public void Dispose() => _folder.Dispose();
}
