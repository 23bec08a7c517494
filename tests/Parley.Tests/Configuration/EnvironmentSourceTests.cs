namespace Parley.Tests;

public class EnvironmentSourceTests
{
    [Fact]
    public void ReadDotEnv_File_ReadsValuesWithoutTouchingProcessEnvironment()
    {
        using var dir = new TempDirectory();
        var name = "PARLEY_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        File.WriteAllText(dir.File(".env"), $"{name}=from-file\n# comment\nQUOTED=\"a b\"\n");

        var values = EnvironmentSource.ReadDotEnv(dir.File(".env"));

        Assert.Equal("from-file", values[name]);
        Assert.Equal("a b", values["QUOTED"]);
        Assert.Null(Environment.GetEnvironmentVariable(name));
    }

    [Fact]
    public void Get_VariableSetInProcessAndDotEnv_ProcessWins()
    {
        var source = new EnvironmentSource(n => n == "K" ? "process" : null, new Dictionary<string, string> { ["K"] = "file", ["ONLY"] = "file-only" });

        Assert.Equal("process", source.Get("K"));
        Assert.Equal("file-only", source.Get("ONLY"));
        Assert.Null(source.Get("MISSING"));
    }

    [Fact]
    public void Load_DotEnvOnlyInOtherFolder_IsNotRead()
    {
        using var work = new TempDirectory();
        using var other = new TempDirectory();
        File.WriteAllText(other.File(".env"), "PARLEY_ONLY_ELSEWHERE=1\n");

        var source = EnvironmentSource.Load(work.Path);

        Assert.Null(source.Get("PARLEY_ONLY_ELSEWHERE"));
        Assert.Empty(source.DotEnv);
    }
}
