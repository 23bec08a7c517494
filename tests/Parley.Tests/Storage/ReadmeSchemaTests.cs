namespace Parley.Tests.Storage;

/// <summary>
/// The schema sections of README.md and docs/storage.md are generated from the migrations
/// (<see cref="StorageSchema.ToMarkdown"/>) and must not drift. To regenerate them:
/// <c>PARLEY_UPDATE_README=1 dotnet test tests/Parley.Tests --filter ReadmeSchemaTests</c>.
/// </summary>
public sealed class ReadmeSchemaTests
{
    private const string UpdateVariable = "PARLEY_UPDATE_README";
    private const string Regenerate = $"{UpdateVariable}=1 dotnet test tests/Parley.Tests --filter ReadmeSchemaTests";

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/storage.md")]
    public void SchemaSection_MatchesTheMigrations(string relativePath)
    {
        var path = Path.Combine(RepositoryRoot.Path, relativePath);
        Assert.True(File.Exists(path), $"{relativePath} is missing ({path}); it needs a schema section between {MarkedSection.Begin} and {MarkedSection.End}.");
        var document = File.ReadAllText(path);
        var expected = StorageSchema.ToMarkdown();

        var current = MarkedSection.Read(document);
        if (current is null)
        {
            Assert.Fail($"{relativePath} has no schema section: put a line {MarkedSection.Begin} and a line {MarkedSection.End} where it belongs "
                + $"(each once, begin first), then fill it with: {Regenerate}");
            return;
        }

        if (MarkedSection.IsCurrent(document, expected))
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, MarkedSection.Replace(document, expected));
            return;
        }

        Assert.Fail($"the schema section of {relativePath} is stale ({MarkedSection.FirstDifference(current, expected)}). Regenerate it from the migrations: {Regenerate}");
    }

    [Fact]
    public void MarkedSection_NoMarkers_ReadsNull()
    {
        Assert.Null(MarkedSection.Read("# Parley\n\nno schema here\n"));
        Assert.Null(MarkedSection.Read($"{MarkedSection.End}\nx\n{MarkedSection.Begin}\n"));
        Assert.Null(MarkedSection.Read($"{MarkedSection.Begin}\nx\n{MarkedSection.End}\n{MarkedSection.Begin}\n"));
        Assert.Throws<InvalidOperationException>(() => MarkedSection.Replace("no markers", "x"));
    }

    [Fact]
    public void MarkedSection_StaleText_IsNotCurrentAndReplaceFixesItKeepingTheRest()
    {
        var expected = StorageSchema.ToMarkdown();
        var stale = expected.Replace("| `seq` |", "| `sequence` |", StringComparison.Ordinal);
        var document = $"# Parley\n\nintro\n\n{MarkedSection.Begin}\n{stale}{MarkedSection.End}\n\n## After\n";

        Assert.False(MarkedSection.IsCurrent(document, expected));
        Assert.Contains("`sequence`", MarkedSection.FirstDifference(MarkedSection.Read(document)!, expected));

        var fixedDocument = MarkedSection.Replace(document, expected);

        Assert.True(MarkedSection.IsCurrent(fixedDocument, expected));
        Assert.StartsWith("# Parley\n\nintro\n\n" + MarkedSection.Begin + "\n## Database schema\n", fixedDocument);
        Assert.EndsWith(MarkedSection.End + "\n\n## After\n", fixedDocument);
        Assert.Equal(fixedDocument, MarkedSection.Replace(fixedDocument, expected));
    }

    [Fact]
    public void MarkedSection_WindowsLineEndings_StillCurrent()
    {
        var expected = StorageSchema.ToMarkdown();
        var document = ($"x\n{MarkedSection.Begin}\n\n{expected}\n{MarkedSection.End}\n").Replace("\n", "\r\n", StringComparison.Ordinal);

        Assert.True(MarkedSection.IsCurrent(document, expected));
    }
}
