namespace Parley;

/// <summary>The documentation a migration adds for a table: its description (for a new table) and its new columns.</summary>
/// <param name="Table">The table name.</param>
/// <param name="Description">One line about the table; <see langword="null"/> when the migration only adds columns.</param>
/// <param name="Columns">One line per column the migration adds, by column name.</param>
internal sealed record TableDoc(string Table, string? Description, IReadOnlyDictionary<string, string> Columns);
