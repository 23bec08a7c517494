namespace Parley.Tests.Storage;

public sealed class ParleyDataPathsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void DefaultDatabasePath_ParleyHomeSet_UsesItDirectly()
    {
        string path = ParleyDataPaths.DefaultDatabasePath(Env(("PARLEY_HOME", "/srv/parley"), ("XDG_DATA_HOME", "/xdg"), ("HOME", "/home/ada")));

        Assert.Equal(Path.GetFullPath("/srv/parley/parley.db"), path);
    }

    [Fact]
    public void DefaultDatabasePath_XdgDataHomeSet_UsesParleySubfolder()
    {
        string path = ParleyDataPaths.DefaultDatabasePath(Env(("XDG_DATA_HOME", "/xdg"), ("HOME", "/home/ada")));

        Assert.Equal(Path.GetFullPath("/xdg/parley/parley.db"), path);
    }

    [Fact]
    public void DefaultDatabasePath_NothingSet_UsesLocalShareUnderHome()
    {
        string path = ParleyDataPaths.DefaultDatabasePath(Env(("HOME", "/home/ada")));

        Assert.Equal(Path.GetFullPath("/home/ada/.local/share/parley/parley.db"), path);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("  ", "relative/dir")]
    public void DefaultDatabasePath_EmptyOrRelativeVariables_Ignored(string parleyHome, string xdgDataHome)
    {
        string path = ParleyDataPaths.DefaultDatabasePath(Env(("PARLEY_HOME", parleyHome), ("XDG_DATA_HOME", xdgDataHome), ("HOME", "/home/ada")));

        Assert.Equal(Path.GetFullPath("/home/ada/.local/share/parley/parley.db"), path);
    }

    [Fact]
    public void DefaultDatabasePath_ParleyHomeWithTilde_ExpandsHome()
    {
        string path = ParleyDataPaths.DefaultDatabasePath(Env(("PARLEY_HOME", "~/parley"), ("HOME", "/home/ada")));

        Assert.Equal(Path.GetFullPath("/home/ada/parley/parley.db"), path);
    }

    [Fact]
    public void DefaultDatabasePath_NullEnvironment_ThrowsWithParameterName()
    {
        var error = Assert.Throws<ArgumentNullException>(() => ParleyDataPaths.DefaultDatabasePath(null!));
        Assert.Equal("getEnvironmentVariable", error.ParamName);
    }
}
