namespace Parley.Cli.Tests.Conformance;

/// <summary>
/// Every recorded refusal (<c>message.refusal</c> / <c>delta.refusal</c>, content null) through plain <c>parley</c>,
/// streamed or not as recorded: the refusal is the answer on stdout, a note on stderr says the model refused, exit 0.
/// </summary>
public sealed class CliRecordedRefusalTests
{
    public static TheoryData<string> Refusals
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var exchange in FixtureCatalog.Exchanges.Where(e => e.Answer.Refusal is not null))
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

    [SkippableTheory]
    [MemberData(nameof(Refusals))]
    public async Task Plain_RecordedRefusal_PrintsTheRefusalAndANote(string id)
    {
        if (id == FixtureCatalog.None)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "no recording of this kind in the fixtures");
        }

        var (result, exchange, requests) = await CliReplay.RunAsync(id, json: false);

        Assert.True(result.ExitCode == 0, $"{id}: {result}");
        Assert.Equal([exchange.Streaming], requests);
        Assert.Equal(exchange.Answer.Refusal + "\n", result.Stdout);
        Assert.Contains("the model refused to answer (refusal)", result.Stderr, StringComparison.Ordinal);
    }
}
