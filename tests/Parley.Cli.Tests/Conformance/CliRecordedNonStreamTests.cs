namespace Parley.Cli.Tests.Conformance;

/// <summary>
/// A sample of the recorded non-streaming answers — one per feature signature (see <see cref="CliReplay.NonStreamingSample"/>;
/// every one of them is read through the library suite) — through <c>parley --json --no-stream</c>.
/// </summary>
public sealed class CliRecordedNonStreamTests
{
    public static TheoryData<string> Sample
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var exchange in CliReplay.NonStreamingSample)
            {
                data.Add(exchange.Id);
            }

            if (data.Count == 0)
            {
                data.Add(FixtureCatalog.None);
            }

            return data;
        }
    }

    [SkippableFact]
    public void Sample_FixturesPresent_CoversAtLeastTenShapes()
    {
        Skip.If(FixtureRoot.SkipReason is not null, FixtureRoot.SkipReason);

        Assert.True(CliReplay.NonStreamingSample.Count >= 10, $"only {CliReplay.NonStreamingSample.Count} non-streaming fixtures sampled");
    }

    [SkippableTheory]
    [MemberData(nameof(Sample))]
    public async Task Json_RecordedAnswer_PrintsExactContentFinishReasonAndUsage(string id)
    {
        if (id == FixtureCatalog.None)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "no recording of this kind in the fixtures");
        }

        var (result, exchange, requests) = await CliReplay.RunAsync(id, json: true);

        Assert.Equal([false], requests);
        CliReplay.AssertJsonMatches(exchange, result);
    }
}
