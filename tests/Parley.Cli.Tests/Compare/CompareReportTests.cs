using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Cli.Tests.Compare;

/// <summary>
/// The comparison measured in process with a clock that moves 100 ms at every reading, so that every column,
/// timings included, is known in advance.
/// </summary>
public sealed class CompareReportTests
{
    [Fact]
    public async Task CompareReport_SteppingClock_TableIsExact()
    {
        var results = await MeasureAsync();

        var table = PlainTable.Render(ComparisonReport.Table(results));

        Assert.Equal(
            """
            | model           | provider | first token |  total | out tok/s | prompt | completion |   cost | context | answer                                    |
            | :-------------- | :------- | ----------: | -----: | --------: | -----: | ---------: | -----: | ------: | :---------------------------------------- |
            | gpt-4o-mini     | openai   |      0.10 s | 0.20 s |        40 |     20 |          4 | $0.028 | 128,000 | A hosted answer that is long enough to b… |
            | ollama:llama3.2 | ollama   |      0.10 s | 0.20 s |      1000 |     30 |          2 |     $0 | 131,072 | Local answer.                             |
            """.ReplaceLineEndings("\n"),
            table);
    }

    [Fact]
    public async Task CompareReport_SteppingClock_JsonHasMillisecondsAndLocalVsHostedCells()
    {
        var results = await MeasureAsync();

        using var doc = System.Text.Json.JsonDocument.Parse(ComparisonReport.Json(results, localHosted: true));

        var hosted = doc.RootElement[0];
        Assert.Equal(100, hosted.GetProperty("time_to_first_token_ms").GetInt64());
        Assert.Equal(200, hosted.GetProperty("total_ms").GetInt64());
        Assert.Equal(40.0, hosted.GetProperty("output_tokens_per_second").GetDouble());
        var cells = doc.RootElement[1].GetProperty("local_vs_hosted");
        Assert.Equal(LocalHostedTable.Features, cells.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1000 tok/s, first token 100 ms, model load 1 ms on this hardware", cells.GetProperty("performance").GetString());
        Assert.Equal("$0: no per-token price (your hardware and power)", cells.GetProperty("cost").GetString());
    }

    [Theory]
    [InlineData("short", "short")]
    [InlineData("line one\n\nline  two", "line one line two")]
    [InlineData("0123456789012345678901234567890123456789xyz", "0123456789012345678901234567890123456789…")]
    public void CompareAnswerStart_CollapsesWhitespaceAndCuts(string answer, string expected)
    {
        Assert.Equal(expected, ComparisonReport.AnswerStart(answer));
    }

    [Theory]
    [InlineData("http://127.0.0.1:11434", "Loopback")]
    [InlineData("http://localhost:11434", "Loopback")]
    [InlineData("http://192.168.1.20:11434", "Network")]
    [InlineData("http://10.1.2.3:8000/v1", "Network")]
    [InlineData("http://gpu-box:11434", "Network")]
    [InlineData("https://api.openai.com/v1", "Public")]
    [InlineData("https://8.8.8.8/v1", "Public")]
    public void CompareHostKinds_ClassifiesByAddress(string url, string expected)
    {
        Assert.Equal(expected, HostKinds.Of(new Uri(url)).ToString());
    }

    [Fact]
    public void CompareMedians_SkipUnknownAndAverageTheMiddlePair()
    {
        Assert.Equal(3L, Medians.Of(new long?[] { 5, null, 1, 3 }));
        Assert.Equal(2.5, Medians.Of(new double?[] { 1, 2, 3, 4 }));
        Assert.Null(Medians.Of(new decimal?[] { null }));
        Assert.Equal(TimeSpan.FromSeconds(2), Medians.Of(new TimeSpan?[] { TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }));
    }

    private static async Task<IReadOnlyList<ComparisonResult>> MeasureAsync()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("A hosted answer that is long enough to be cut in the table.", promptTokens: 20, completionTokens: 4));
        server.Enqueue(ScriptedResponse.Text("Local answer.", promptTokens: 30, completionTokens: 2));
        var prices = System.Text.Json.JsonDocument.Parse("""{ "gpt-4o-mini": { "input_per_million": 1000, "cached_input_per_million": 1000, "output_per_million": 2000 } }""");
        var catalog = ModelCatalog.BuiltIn.WithOverrides(prices.RootElement);

        var hostedProvider = new ResolvedProvider { Name = "openai", Kind = ProviderKind.OpenAI, BaseUrl = server.OpenAIBaseUrl, ApiKey = "sk-test-0123456789", ApiKeyVariable = "OPENAI_API_KEY", Model = "gpt-4o-mini" };
        var localProvider = new ResolvedProvider { Name = "ollama", Kind = ProviderKind.Ollama, BaseUrl = server.BaseAddress, Model = "llama3.2" };
        using var ollama = new OllamaModelCatalog(server.BaseAddress);
        var installed = await ollama.ShowAsync("llama3.2");
        var localCatalog = ChatClientFactory.CatalogFor(localProvider, catalog);
        var targets = new List<CompareTarget>
        {
            new(new ComparedModel("gpt-4o-mini", hostedProvider, catalog.Resolve("gpt-4o-mini"), catalog, null, "catalog"), ChatClientFactory.Create(hostedProvider)),
            new(
                new ComparedModel("ollama:llama3.2", localProvider, localCatalog.Resolve("llama3.2") with { ContextWindow = installed.ContextLength }, localCatalog, installed, "Ollama /api/show"),
                ChatClientFactory.Create(localProvider, new ChatClientFactoryOptions { Catalog = localCatalog })),
        };

        var comparer = new ModelComparer(new SteppingTimeProvider(TimeSpan.FromMilliseconds(100)), new TokenCounter(), (e, _) => e.Message);
        var results = await comparer.RunAsync(targets, "Capital of France?", systemPrompt: null, new ChatOptions(), runs: 1, sequential: true, CancellationToken.None);
        foreach (var target in targets)
        {
            target.Client!.Dispose();
        }

        return results;
    }

    /// <summary>A clock that moves forward by a fixed step every time it is read.</summary>
    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
    }
}
