namespace Parley.Tests.Storage;

public sealed class StorageSchemaTests
{
    [Fact]
    public void ToMarkdown_AllMigrations_MentionsEveryTableAndColumn()
    {
        string markdown = StorageSchema.ToMarkdown();
        var tables = StorageSchema.ReadSchema();

        Assert.StartsWith("## Database schema\n", markdown);
        Assert.Equal(["schema_migrations", "conversations", "messages", "turns", "messages_fts", "api_keys", "api_key_spend", "api_key_requests"], tables.Select(t => t.Name));
        foreach (var table in tables)
        {
            Assert.Contains($"### `{table.Name}`", markdown);
            Assert.All(table.Columns, column => Assert.Contains($"| `{column.Name}` |", markdown));
        }

        Assert.Contains("| `seq` | INTEGER, not null |", markdown);
        Assert.Contains("`conversations.id`", markdown);
        Assert.Contains("| `content` | FTS5 (trigram) |", markdown);
        Assert.DoesNotContain("messages_fts_data", markdown);
    }

    [Fact]
    public void ToMarkdown_EveryTableAndColumn_HasADescription()
    {
        Assert.Empty(StorageSchema.FindUndocumented());
    }

    [Fact]
    public void ToMarkdown_CalledTwice_SameTextWithUnixLineEndings()
    {
        string first = StorageSchema.ToMarkdown();

        Assert.Equal(first, StorageSchema.ToMarkdown());
        Assert.DoesNotContain('\r', first);
        Assert.All(StorageMigrations.All, m => Assert.Contains($"{m.Version}. {m.Name}", first));
    }

    [Fact]
    public void Migrations_Numbers_StartAtOneAndIncreaseByOne()
    {
        Assert.Equal(Enumerable.Range(1, StorageMigrations.All.Count), StorageMigrations.All.Select(m => m.Version));
        Assert.Equal(StorageMigrations.All.Count, StorageSchema.CurrentVersion);
    }
}
