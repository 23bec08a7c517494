namespace Parley.Tests;

public sealed class ParleyPathsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("~/p", "/home/ada/p")]
    [InlineData("~", "/home/ada")]
    [InlineData("/srv/~/p", "/srv/~/p")]
    [InlineData("~ada/p", null)]
    public void Resolve_ParleyHomeWithTilde_ExpandedAsAShellWould(string parleyHome, string? expected)
    {
        var paths = ParleyPaths.Resolve(Env(("PARLEY_HOME", parleyHome), ("HOME", "/home/ada")));

        // ~user is not expanded: it stays a folder named "~ada" (relative to the working directory).
        var folder = expected ?? Path.GetFullPath(parleyHome);
        Assert.Equal(Path.Combine(folder, "config.json"), paths.ConfigFile);
        Assert.Equal(Path.Combine(folder, "parley.db"), paths.DatabaseFile);
    }

    [Fact]
    public void Resolve_XdgFoldersWithTilde_ExpandedToHome()
    {
        var paths = ParleyPaths.Resolve(Env(("XDG_CONFIG_HOME", "~/cfg"), ("XDG_DATA_HOME", "~/data"), ("HOME", "/home/ada")));

        Assert.Equal("/home/ada/cfg/parley/config.json", paths.ConfigFile);
        Assert.Equal("/home/ada/data/parley/parley.db", paths.DatabaseFile);
    }

    [Fact]
    public void CreateDataDirectory_NewFolder_OnlyTheUserCanEnter()
    {
        using var dir = new TempDirectory();
        var paths = ParleyPaths.Resolve(Env(("PARLEY_HOME", dir.File("home"))));

        paths.CreateDataDirectory();

        Assert.True(Directory.Exists(paths.DataDirectory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(paths.DataDirectory));
        }
    }
}
