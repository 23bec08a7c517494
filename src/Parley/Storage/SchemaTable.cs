namespace Parley;

/// <summary>A table of the live schema, as read for the generated documentation.</summary>
/// <param name="Name">The table name.</param>
/// <param name="IsVirtual">Whether it is a virtual (FTS5) table.</param>
/// <param name="Columns">Its columns in order.</param>
internal sealed record SchemaTable(string Name, bool IsVirtual, IReadOnlyList<SchemaColumn> Columns);
