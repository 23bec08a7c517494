namespace Parley.Tests.Storage;

public sealed class SqliteInMemoryApiKeyStoreContractTests : ApiKeyStoreContractTests
{
    protected override async Task<IApiKeyStore> OpenStoreAsync(ConversationStoreOptions? options) =>
        await SqliteConversationStore.OpenInMemoryAsync(options);
}
