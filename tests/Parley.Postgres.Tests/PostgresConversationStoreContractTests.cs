using Parley.Tests.Storage;

namespace Parley.Postgres.Tests;

/// <summary>The conversation store contract, run on PostgreSQL (a fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConversationStoreContractTests(PostgresServer server) : ConversationStoreContractTests
{
    private string? _url;

    protected override async Task<IConversationStore> OpenAsync(ConversationStoreOptions? options = null)
    {
        server.SkipIfUnavailable();
        _url ??= await server.CreateDatabaseAsync();
        return await PostgresConversationStore.OpenAsync(_url, options);
    }
}
