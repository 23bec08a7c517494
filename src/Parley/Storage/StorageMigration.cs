namespace Parley;

/// <summary>A numbered schema change: its SQL and the documentation of what it adds.</summary>
/// <param name="Version">The schema version the migration brings the database to.</param>
/// <param name="Name">A short name, recorded in <c>schema_migrations</c>.</param>
/// <param name="Sql">The statements; they run in one transaction.</param>
/// <param name="Docs">Descriptions of the tables and columns it adds, for the generated schema section.</param>
internal sealed record StorageMigration(int Version, string Name, string Sql, IReadOnlyList<TableDoc> Docs);
