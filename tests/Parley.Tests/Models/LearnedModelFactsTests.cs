namespace Parley.Tests.Models;

public sealed class LearnedModelFactsTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "parley-facts-" + Guid.NewGuid().ToString("N"));

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

        Assert.Null(facts.GetCalibrationRatio("llama3.2"));
        Assert.Null(facts.GetContextLimit("llama3.2"));
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void Set_ThenGet_RoundTripsAcrossInstances()
    {
        var writer = new LearnedModelFacts(FilePath);
        writer.SetCalibrationRatio("llama3.2", 1.21);
        writer.SetContextLimit("llama3.2", 4096);
        writer.SetContextLimit("qwen3", 40960);

        var reader = new LearnedModelFacts(FilePath);
        Assert.Equal(1.21, reader.GetCalibrationRatio("LLAMA3.2"));
        Assert.Equal(4096, reader.GetContextLimit("llama3.2"));
        Assert.Equal(40960, reader.GetContextLimit("qwen3"));
        Assert.Null(reader.GetCalibrationRatio("qwen3"));
    }

    [Fact]
    public void Get_AfterAnotherInstanceWrites_SeesTheNewValue()
    {
        var first = new LearnedModelFacts(FilePath);
        var second = new LearnedModelFacts(FilePath);
        first.SetCalibrationRatio("m", 1.5);
        Assert.Equal(1.5, second.GetCalibrationRatio("m"));

        second.SetCalibrationRatio("m", 0.9);
        Assert.Equal(0.9, first.GetCalibrationRatio("m"));
    }

    [Fact]
    public void Set_KeepsChangesMadeByOthersMeanwhile()
    {
        var first = new LearnedModelFacts(FilePath);
        var second = new LearnedModelFacts(FilePath);
        Assert.Null(first.GetCalibrationRatio("a")); // first has read the (missing) file
        second.SetCalibrationRatio("b", 2.0);

        first.SetCalibrationRatio("a", 1.0);

        var reader = new LearnedModelFacts(FilePath);
        Assert.Equal(1.0, reader.GetCalibrationRatio("a"));
        Assert.Equal(2.0, reader.GetCalibrationRatio("b"));
    }

    [Fact]
    public void Get_DamagedFile_IsTreatedAsEmptyAndRewrittenOnSet()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, "{ not json");
        var facts = new LearnedModelFacts(FilePath);

        Assert.Null(facts.GetCalibrationRatio("m"));
        facts.SetCalibrationRatio("m", 1.1);

        Assert.Equal(1.1, new LearnedModelFacts(FilePath).GetCalibrationRatio("m"));
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
                facts.SetContextLimit($"model-{w}-{i}", 1000 + i);
            }
        })).ToArray();

        await Task.WhenAll(tasks);

        var reader = new LearnedModelFacts(FilePath);
        for (int w = 0; w < writers; w++)
        {
            for (int i = 0; i < modelsPerWriter; i++)
            {
                Assert.Equal(1000 + i, reader.GetContextLimit($"model-{w}-{i}"));
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

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => facts.SetCalibrationRatio("m", ratio));
        Assert.Equal("ratio", error.ParamName);
    }

    [Fact]
    public void SetContextLimit_Zero_ThrowsWithParameterName()
    {
        var facts = new LearnedModelFacts(FilePath);

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => facts.SetContextLimit("m", 0));
        Assert.Equal("tokens", error.ParamName);
    }

    [Fact]
    public void Constructor_EmptyPath_ThrowsWithParameterName()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new LearnedModelFacts(" "));
        Assert.Equal("path", error.ParamName);
    }
}
