namespace Parley.Hosting;

/// <summary>
/// Where Parley keeps its files: the configuration folder (<c>config.json</c>) and the data folder
/// (the conversation database and learned model facts). <c>PARLEY_HOME</c> overrides both; otherwise the
/// XDG base directories are used.
/// </summary>
public sealed class ParleyPaths
{
    /// <summary>The database file name (in <see cref="DataDirectory"/>).</summary>
    public const string DatabaseFileName = "parley.db";

    private ParleyPaths(string configDirectory, string dataDirectory)
    {
        ConfigDirectory = configDirectory;
        DataDirectory = dataDirectory;
    }

    /// <summary>The folder that holds <c>config.json</c>.</summary>
    public string ConfigDirectory { get; }

    /// <summary>The folder that holds the database and learned facts.</summary>
    public string DataDirectory { get; }

    /// <summary>The full path of the configuration file.</summary>
    public string ConfigFile => Path.Combine(ConfigDirectory, "config.json");

    /// <summary>The full path of the conversation database.</summary>
    public string DatabaseFile => Path.Combine(DataDirectory, DatabaseFileName);

    /// <summary>The full path of the file with facts learned about models (calibration, context limits).</summary>
    public string LearnedFactsFile => Path.Combine(DataDirectory, "learned-models.json");

    /// <summary>Resolves the paths from environment variables.</summary>
    /// <remarks>
    /// <c>$PARLEY_HOME</c> holds both; otherwise <c>$XDG_CONFIG_HOME/parley</c> and <c>$XDG_DATA_HOME/parley</c>,
    /// else <c>~/.config/parley</c> and <c>~/.local/share/parley</c>. Empty variables count as unset, a relative XDG
    /// folder is ignored (as the XDG specification says), and a leading <c>~</c> or <c>~/</c> in any of them is the
    /// home folder (<c>HOME</c>), as a shell would expand it. The paths returned are absolute.
    /// </remarks>
    /// <param name="getVariable">Reads an environment variable; null when unset.</param>
    public static ParleyPaths Resolve(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var home = Variable(getVariable, "PARLEY_HOME");
        if (home is not null)
        {
            var full = Path.GetFullPath(home);
            return new ParleyPaths(full, full);
        }

        var userHome = HomeDirectory.Of(getVariable);
        var config = Absolute(Variable(getVariable, "XDG_CONFIG_HOME")) ?? Path.Combine(userHome, ".config");
        var data = Absolute(Variable(getVariable, "XDG_DATA_HOME")) ?? Path.Combine(userHome, ".local", "share");
        return new ParleyPaths(Path.GetFullPath(Path.Combine(config, "parley")), Path.GetFullPath(Path.Combine(data, "parley")));
    }

    /// <summary>
    /// Creates <see cref="DataDirectory"/> (and missing parents) readable only by the user (0700 on Unix); an existing
    /// folder is not changed.
    /// </summary>
    public void CreateDataDirectory() => PrivateFiles.CreateFolder(DataDirectory);

    /// <summary>Resolves the paths from the process environment.</summary>
    public static ParleyPaths FromProcessEnvironment() => Resolve(Environment.GetEnvironmentVariable);

    private static string? Variable(Func<string, string?> getVariable, string name) =>
        getVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? HomeDirectory.Expand(value, getVariable) : null;

    private static string? Absolute(string? folder) => folder is not null && Path.IsPathRooted(folder) ? folder : null;
}
