namespace Parley.Tests.Storage;

public sealed class InMemoryConversationStoreTests : ConversationStoreContractTests
{
    protected override Task<IConversationStore> OpenAsync(ConversationStoreOptions? options = null) =>
        Task.FromResult<IConversationStore>(new InMemoryConversationStore(options));
}
