namespace Parley;

/// <summary>A column of the live schema.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">Its declared type and constraints, as shown in the documentation.</param>
internal sealed record SchemaColumn(string Name, string Type);
