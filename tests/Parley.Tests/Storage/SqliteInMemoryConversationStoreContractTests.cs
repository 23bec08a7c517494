namespace Parley.Tests.Storage;

public sealed class SqliteInMemoryConversationStoreContractTests : ConversationStoreContractTests
{
    protected override async Task<IConversationStore> OpenAsync(ConversationStoreOptions? options = null) =>
        await SqliteConversationStore.OpenInMemoryAsync(options);
}
