namespace Parley.Tests.Models;

public sealed class LearnedModelFactsTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "parley-facts-" + Guid.NewGuid().ToString("N"));

    private static readonly Uri Endpoint = new("http://127.0.0.1:8080/v1");

    private string FilePath => Path.Combine(directory, "sub", "learned-models.json");

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Get_MissingFile_ReturnsNull()
    {
        var facts = new LearnedModelFacts(FilePath);

        Assert.Null(facts.GetCalibrationRatio(Endpoint, "llama3.2"));
        Assert.Null(facts.GetContextLimit(Endpoint, "llama3.2"));
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void Set_ThenGet_RoundTripsAcrossInstances()
    {
        var writer = new LearnedModelFacts(FilePath);
        writer.SetCalibrationRatio(Endpoint, "llama3.2", 1.21);
        writer.SetContextLimit(Endpoint, "llama3.2", 4096);
        writer.SetContextLimit(Endpoint, "qwen3", 40960);

        var reader = new LearnedModelFacts(FilePath);
        Assert.Equal(1.21, reader.GetCalibrationRatio(Endpoint, "LLAMA3.2"));
        Assert.Equal(4096, reader.GetContextLimit(Endpoint, "llama3.2"));
        Assert.Equal(40960, reader.GetContextLimit(Endpoint, "qwen3"));
        Assert.Null(reader.GetCalibrationRatio(Endpoint, "qwen3"));
    }

    [Fact]
    public void Get_AfterAnotherInstanceWrites_SeesTheNewValue()
    {
        var first = new LearnedModelFacts(FilePath);
        var second = new LearnedModelFacts(FilePath);
        first.SetCalibrationRatio(Endpoint, "m", 1.5);
        Assert.Equal(1.5, second.GetCalibrationRatio(Endpoint, "m"));

        second.SetCalibrationRatio(Endpoint, "m", 0.9);
        Assert.Equal(0.9, first.GetCalibrationRatio(Endpoint, "m"));
    }

    [Fact]
    public void Set_KeepsChangesMadeByOthersMeanwhile()
    {
        var first = new LearnedModelFacts(FilePath);
        var second = new LearnedModelFacts(FilePath);
        Assert.Null(first.GetCalibrationRatio(Endpoint, "a")); // first has read the (missing) file
        second.SetCalibrationRatio(Endpoint, "b", 2.0);

        first.SetCalibrationRatio(Endpoint, "a", 1.0);

        var reader = new LearnedModelFacts(FilePath);
        Assert.Equal(1.0, reader.GetCalibrationRatio(Endpoint, "a"));
        Assert.Equal(2.0, reader.GetCalibrationRatio(Endpoint, "b"));
    }

    [Fact]
    public void Get_DamagedFile_IsTreatedAsEmptyAndRewrittenOnSet()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, "{ not json");
        var facts = new LearnedModelFacts(FilePath);

        Assert.Null(facts.GetCalibrationRatio(Endpoint, "m"));
        facts.SetCalibrationRatio(Endpoint, "m", 1.1);

        Assert.Equal(1.1, new LearnedModelFacts(FilePath).GetCalibrationRatio(Endpoint, "m"));
    }

    [Fact]
    public async Task Set_ConcurrentWritersWithSeparateInstances_LoseNothing()
    {
        const int writers = 6;
        const int modelsPerWriter = 15;
        Task[] tasks = Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            var facts = new LearnedModelFacts(FilePath);
            for (int i = 0; i < modelsPerWriter; i++)
            {
                facts.SetContextLimit(Endpoint, $"model-{w}-{i}", 1000 + i);
            }
        })).ToArray();

        await Task.WhenAll(tasks);

        var reader = new LearnedModelFacts(FilePath);
        for (int w = 0; w < writers; w++)
        {
            for (int i = 0; i < modelsPerWriter; i++)
            {
                Assert.Equal(1000 + i, reader.GetContextLimit(Endpoint, $"model-{w}-{i}"));
            }
        }

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(FilePath)!, "*.tmp"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void SetCalibrationRatio_NotPositive_ThrowsWithParameterName(double ratio)
    {
        var facts = new LearnedModelFacts(FilePath);

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => facts.SetCalibrationRatio(Endpoint, "m", ratio));
        Assert.Equal("ratio", error.ParamName);
    }

    [Fact]
    public void SetContextLimit_Zero_ThrowsWithParameterName()
    {
        var facts = new LearnedModelFacts(FilePath);

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => facts.SetContextLimit(Endpoint, "m", 0));
        Assert.Equal("tokens", error.ParamName);
    }

    [Fact]
    public void Constructor_EmptyPath_ThrowsWithParameterName()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new LearnedModelFacts(" "));
        Assert.Equal("path", error.ParamName);
    }

    [Fact]
    public void Get_SameModelOnAnotherEndpoint_ReturnsNull()
    {
        var facts = new LearnedModelFacts(FilePath);
        facts.SetContextLimit(new Uri("http://127.0.0.1:8080/v1"), "gpt-4o-mini", 80);
        facts.SetCalibrationRatio(new Uri("http://127.0.0.1:8080/v1"), "llama3.2", 1.3);

        Assert.Equal(80, facts.GetContextLimit(new Uri("HTTP://127.0.0.1:8080/v1/"), "gpt-4o-mini"));
        Assert.Null(facts.GetContextLimit(new Uri("http://127.0.0.1:8081/v1"), "gpt-4o-mini"));
        Assert.Null(facts.GetContextLimit(new Uri("https://127.0.0.1:8080/v1"), "gpt-4o-mini"));
        Assert.Null(facts.GetContextLimit(new Uri("http://localhost:8080/v1"), "gpt-4o-mini"));
        Assert.Null(facts.GetContextLimit(new Uri("http://127.0.0.1:8080/v2"), "gpt-4o-mini"));
        Assert.Null(facts.GetCalibrationRatio(new Uri("http://127.0.0.1:9090/v1"), "llama3.2"));
    }

    [Theory]
    [InlineData("http://user:sk-secret@example.com/v1?api-key=sk-secret#frag", "http://example.com:80/v1")]
    [InlineData("https://API.Example.com/", "https://api.example.com:443")]
    [InlineData("http://[::1]:11434/v1/", "http://[::1]:11434/v1")]
    public void EndpointKey_KeepsSchemeHostPortAndPathOnly(string url, string expected)
    {
        Assert.Equal(expected, LearnedModelFacts.EndpointKey(new Uri(url)));
    }

    [Fact]
    public void Set_UrlWithCredentials_NeverWritesThem()
    {
        var facts = new LearnedModelFacts(FilePath);

        facts.SetContextLimit(new Uri("http://user:sk-secret@example.com/v1?api-key=sk-secret"), "m", 1000);

        var text = File.ReadAllText(FilePath);
        Assert.DoesNotContain("sk-secret", text);
        Assert.DoesNotContain("user", text);
        Assert.Equal(1000, facts.GetContextLimit(new Uri("http://example.com/v1"), "m"));
    }

    [Fact]
    public void Get_OldFileKeyedByBareModelName_IsNotAppliedAndIsDroppedOnTheNextWrite()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, """
            {"schema_version": 1, "models": {"gpt-4o-mini": {"context_limit": 80, "calibration_ratio": 1.4, "updated": "2026-01-01T00:00:00Z"}}}
            """);
        var facts = new LearnedModelFacts(FilePath);

        Assert.Null(facts.GetContextLimit(Endpoint, "gpt-4o-mini"));
        Assert.Null(facts.GetCalibrationRatio(Endpoint, "gpt-4o-mini"));
        facts.SetContextLimit(Endpoint, "other", 5000);

        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(FilePath))!.AsObject();
        Assert.Equal(2, (int)root["schema_version"]!);
        Assert.False(root.ContainsKey("models"));
        Assert.Null(facts.GetContextLimit(Endpoint, "gpt-4o-mini"));
        Assert.Equal(5000, facts.GetContextLimit(Endpoint, "other"));
    }

    [Theory]
    [InlineData("""{"schema_version": 2, "endpoints": {"http://127.0.0.1:8080/v1": {"m": {"context_limit": "many"}}}}""")]
    [InlineData("""{"schema_version": 2, "endpoints": {"http://127.0.0.1:8080/v1": ["m"]}}""")]
    [InlineData("""{"schema_version": 2, "endpoints": {"http://127.0.0.1:8080/v1": {"m": {"context_limit": -5}}}}""")]
    [InlineData("""{"schema_version": "two", "endpoints": 3}""")]
    [InlineData("""[1, 2]""")]
    public void Get_OddFile_ReturnsNullAndSetRewritesIt(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, content);
        var facts = new LearnedModelFacts(FilePath);

        Assert.Null(facts.GetContextLimit(Endpoint, "m"));
        facts.SetContextLimit(Endpoint, "m", 4096);

        Assert.Equal(4096, new LearnedModelFacts(FilePath).GetContextLimit(Endpoint, "m"));
    }
}
