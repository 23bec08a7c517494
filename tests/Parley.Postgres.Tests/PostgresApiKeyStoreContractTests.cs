using Parley.Tests.Storage;

namespace Parley.Postgres.Tests;

/// <summary>The virtual-key store contract, run on PostgreSQL (a fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresApiKeyStoreContractTests(PostgresServer server) : ApiKeyStoreContractTests
{
    private string? _url;

    protected override async Task<IApiKeyStore> OpenStoreAsync(ConversationStoreOptions? options)
    {
        server.SkipIfUnavailable();
        _url ??= await server.CreateDatabaseAsync();
        return await PostgresConversationStore.OpenAsync(_url, options);
    }
}
