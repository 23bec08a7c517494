using Parley.Hosting;

namespace Parley.Tests.Configuration;

public sealed class ParleyPathsDatabaseFileTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void DatabaseFile_ParleyHomeSet_UsesItDirectly()
    {
        string path = ParleyPaths.Resolve(Env(("PARLEY_HOME", "/srv/parley"), ("XDG_DATA_HOME", "/xdg"), ("HOME", "/home/ada"))).DatabaseFile;

        Assert.Equal(Path.GetFullPath("/srv/parley/parley.db"), path);
    }

    [Fact]
    public void DatabaseFile_XdgDataHomeSet_UsesParleySubfolder()
    {
        string path = ParleyPaths.Resolve(Env(("XDG_DATA_HOME", "/xdg"), ("HOME", "/home/ada"))).DatabaseFile;

        Assert.Equal(Path.GetFullPath("/xdg/parley/parley.db"), path);
    }

    [Fact]
    public void DatabaseFile_NothingSet_UsesLocalShareUnderHome()
    {
        string path = ParleyPaths.Resolve(Env(("HOME", "/home/ada"))).DatabaseFile;

        Assert.Equal(Path.GetFullPath("/home/ada/.local/share/parley/parley.db"), path);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("  ", "relative/dir")]
    public void DatabaseFile_EmptyOrRelativeVariables_Ignored(string parleyHome, string xdgDataHome)
    {
        string path = ParleyPaths.Resolve(Env(("PARLEY_HOME", parleyHome), ("XDG_DATA_HOME", xdgDataHome), ("HOME", "/home/ada"))).DatabaseFile;

        Assert.Equal(Path.GetFullPath("/home/ada/.local/share/parley/parley.db"), path);
    }

    [Fact]
    public void DatabaseFile_ParleyHomeWithTilde_ExpandsHome()
    {
        string path = ParleyPaths.Resolve(Env(("PARLEY_HOME", "~/parley"), ("HOME", "/home/ada"))).DatabaseFile;

        Assert.Equal(Path.GetFullPath("/home/ada/parley/parley.db"), path);
    }

    [Fact]
    public void DatabaseFile_NullEnvironment_ThrowsWithParameterName()
    {
        var error = Assert.Throws<ArgumentNullException>(() => ParleyPaths.Resolve(null!));
        Assert.Equal("getVariable", error.ParamName);
    }
}
