namespace Parley.Tests;

public class EnvironmentSourceTests
{
    [Fact]
    public void Load_DotEnvFile_ReadsValuesWithoutTouchingProcessEnvironment()
    {
        using var dir = new TempDirectory();
        var name = "PARLEY_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        File.WriteAllText(dir.File(".env"), $"{name}=from-file\n# comment\nQUOTED=\"a b\"\nexport EXPORTED=yes\n");

        var source = EnvironmentSource.Load(dir.Path);

        Assert.Equal("from-file", source.Get(name));
        Assert.Equal("a b", source.Get("QUOTED"));
        Assert.Equal("yes", source.Get("EXPORTED"));
        Assert.Empty(source.DotEnvWarnings);
        Assert.Null(Environment.GetEnvironmentVariable(name));
    }

    [Fact]
    public void Load_UnterminatedQuote_WarnsNamingFileAndLineAndKeepsTheOtherLines()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File(".env"), "FIRST=1\nBROKEN='no end\nLAST=3\n");

        var source = EnvironmentSource.Load(dir.Path, _ => null);

        Assert.Equal("1", source.Get("FIRST"));
        Assert.Equal("3", source.Get("LAST"));
        Assert.Null(source.Get("BROKEN"));
        Assert.Equal([$"{dir.File(".env")}:2: cannot parse this statement; skipped"], source.DotEnvWarnings);
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
