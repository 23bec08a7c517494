namespace Parley.Tests;

public class ConfigFileTests
{
    [Fact]
    public async Task InitAsync_NewFile_WritesStarterWithOwnerOnlyMode()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "sub", "config.json");

        Assert.True(await ConfigFile.InitAsync(path));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var config = await ConfigFile.LoadAsync(path);
        Assert.Equal("openai", config.DefaultProvider);
        Assert.Contains("local", config.Providers!.Keys);
        Assert.False(ConfigFile.IsReadableByOthers(path));
    }

    [Fact]
    public async Task InitAsync_ExistingFile_LeavesItAlone()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        await File.WriteAllTextAsync(path, "{}");

        Assert.False(await ConfigFile.InitAsync(path));
        Assert.Equal("{}", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task LoadAsync_MissingFile_IsEmptyConfig()
    {
        var config = await ConfigFile.LoadAsync("/nonexistent/parley/config.json");

        Assert.Null(config.DefaultProvider);
    }

    [Fact]
    public void Parse_InvalidJson_NamesFileLineAndColumn()
    {
        var e = Assert.Throws<ParleyConfigurationException>(() => ConfigFile.Parse("{\n  \"default_model\": \n}", "/x/config.json"));

        Assert.Contains("/x/config.json", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void IsReadableByOthers_WorldReadable_True()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        Assert.True(ConfigFile.IsReadableByOthers(path));
    }
}
