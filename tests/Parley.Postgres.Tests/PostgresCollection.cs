namespace Parley.Postgres.Tests;

/// <summary>One throwaway PostgreSQL cluster for every test class of the collection (each test opens its own database).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
