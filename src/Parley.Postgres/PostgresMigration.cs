namespace Parley.Postgres;

/// <summary>A numbered PostgreSQL schema change, the twin of the SQLite migration with the same number.</summary>
/// <param name="Version">The schema version the migration brings the database to.</param>
/// <param name="Name">A short name, recorded in <c>schema_migrations</c> (the same as SQLite's).</param>
/// <param name="Sql">The statements; they run in one transaction.</param>
internal sealed record PostgresMigration(int Version, string Name, string Sql);
