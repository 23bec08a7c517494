namespace Parley.Tests.Conformance;

/// <summary>The fixture readers exist once per test project; the two copies must not drift apart.</summary>
public sealed class SharedSourceTests
{
    public static TheoryData<string> SharedFiles => new()
    {
        "FixtureRoot.cs", "SseEvents.cs", "RecordedAnswer.cs", "RecordedExchange.cs", "RecordedError.cs", "FixtureCatalog.cs",
    };

    [Theory]
    [MemberData(nameof(SharedFiles))]
    public void SharedFixtureReader_CliCopy_IdenticalApartFromNamespace(string file)
    {
        if (FixtureRoot.RepositoryRoot is not { } root)
        {
            return;
        }

        var library = File.ReadAllText(Path.Combine(root, "tests", "Parley.Tests", "Conformance", file));
        var cli = File.ReadAllText(Path.Combine(root, "tests", "Parley.Cli.Tests", "Conformance", file));

        Assert.Equal(
            library.Replace("namespace Parley.Tests.Conformance;", "namespace Parley.Cli.Tests.Conformance;", StringComparison.Ordinal),
            cli);
    }
}
