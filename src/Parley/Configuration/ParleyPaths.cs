namespace Parley;

/// <summary>
/// Where Parley keeps its files: the configuration folder (<c>config.json</c>) and the data folder
/// (the conversation database and learned model facts). <c>PARLEY_HOME</c> overrides both; otherwise the
/// XDG base directories are used.
/// </summary>
public sealed class ParleyPaths
{
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
    public string DatabaseFile => Path.Combine(DataDirectory, "parley.db");

    /// <summary>The full path of the file with facts learned about models (calibration, context limits).</summary>
    public string LearnedFactsFile => Path.Combine(DataDirectory, "learned-models.json");

    /// <summary>Resolves the paths from environment variables.</summary>
    /// <param name="getVariable">Reads an environment variable; null when unset.</param>
    public static ParleyPaths Resolve(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var home = NonEmpty(getVariable("PARLEY_HOME"));
        if (home is not null)
        {
            return new ParleyPaths(home, home);
        }

        var userHome = NonEmpty(getVariable("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var config = NonEmpty(getVariable("XDG_CONFIG_HOME")) ?? Path.Combine(userHome, ".config");
        var data = NonEmpty(getVariable("XDG_DATA_HOME")) ?? Path.Combine(userHome, ".local", "share");
        return new ParleyPaths(Path.Combine(config, "parley"), Path.Combine(data, "parley"));
    }

    /// <summary>Resolves the paths from the process environment.</summary>
    public static ParleyPaths FromProcessEnvironment() => Resolve(Environment.GetEnvironmentVariable);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
