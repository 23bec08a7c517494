namespace Parley.Postgres.Tests;

/// <summary>
/// The PostgreSQL section of docs/storage.md is generated from the migrations (<see cref="PostgresSchema.ToMarkdown"/>)
/// and both engines have the same migrations. To regenerate it:
/// <c>PARLEY_UPDATE_README=1 dotnet test tests/Parley.Postgres.Tests --filter PostgresSchemaTests</c>.
/// </summary>
public sealed class PostgresSchemaTests
{
    private const string Begin = "<!-- postgres-schema:begin -->";
    private const string End = "<!-- postgres-schema:end -->";

    [Fact]
    public void Migrations_SameCountAsSqlite_EveryMigrationWrittenForBothEngines()
    {
        Assert.True(
            StorageSchema.CurrentVersion == PostgresSchema.CurrentVersion,
            $"SQLite has {StorageSchema.CurrentVersion} migrations and PostgreSQL {PostgresSchema.CurrentVersion}: write every migration for both engines (src/Parley/Storage/StorageMigrations.cs, src/Parley.Postgres/PostgresMigrations.cs).");
    }

    [Fact]
    public void StorageDoc_PostgresSection_MatchesTheMigrations()
    {
        string path = Path.Combine(RepositoryRoot(), "docs", "storage.md");
        string document = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        string expected = PostgresSchema.ToMarkdown();
        int begin = document.IndexOf(Begin, StringComparison.Ordinal);
        int end = document.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/storage.md needs a line {Begin} and a line {End} around the PostgreSQL schema section.");
        string current = document[(begin + Begin.Length)..end].Trim('\n') + "\n";
        if (current == expected)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("PARLEY_UPDATE_README") == "1")
        {
            File.WriteAllText(path, document[..(begin + Begin.Length)] + "\n" + expected + document[end..]);
            return;
        }

        Assert.Fail("the PostgreSQL schema section of docs/storage.md is stale: PARLEY_UPDATE_README=1 dotnet test tests/Parley.Postgres.Tests --filter PostgresSchemaTests");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Parley.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Parley.sln not found above " + AppContext.BaseDirectory);
    }
}
