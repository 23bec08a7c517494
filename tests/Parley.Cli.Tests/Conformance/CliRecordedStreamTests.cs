namespace Parley.Cli.Tests.Conformance;

/// <summary>
/// Every recorded stream (OpenAI and the Ollama <c>/v1</c> fragment) through <c>parley --json</c>: the printed content,
/// finish reason, model, id and usage are exactly the recorded ones; a streamed text answer printed plainly is exactly
/// the recorded text. (Decisions on n &gt; 1, refusals and the fragment: see the library suite's
/// <c>RecordedExchangeConformanceTests</c>.)
/// </summary>
public sealed class CliRecordedStreamTests
{
    public static TheoryData<string> Streams => new(FixtureCatalog.StreamingExchangeIds);

    public static TheoryData<string> TextStreams
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var exchange in FixtureCatalog.Exchanges.Where(e => e.SseBody && e.Answer.ExpectedText.Length > 0))
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
    [MemberData(nameof(Streams))]
    public async Task Json_RecordedStream_PrintsExactContentFinishReasonAndUsage(string id)
    {
        if (id == FixtureCatalog.None)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "no recording of this kind in the fixtures");
        }

        var (result, exchange, requests) = await CliReplay.RunAsync(id, json: true);

        Assert.Equal([true], requests);
        CliReplay.AssertJsonMatches(exchange, result);
    }

    [SkippableTheory]
    [MemberData(nameof(TextStreams))]
    public async Task Plain_RecordedTextStream_PrintsExactlyTheRecordedText(string id)
    {
        if (id == FixtureCatalog.None)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "no recording of this kind in the fixtures");
        }

        var (result, exchange, _) = await CliReplay.RunAsync(id, json: false);

        Assert.True(result.ExitCode == 0, $"{id}: {result}");
        Assert.Equal(exchange.Answer.ExpectedText + "\n", result.Stdout);
    }
}
