namespace Parley;

/// <summary>Where Parley keeps its data by default.</summary>
public static class ParleyDataPaths
{
    /// <summary>The database file name.</summary>
    public const string DatabaseFileName = "parley.db";

    /// <summary>
    /// Gets the default database path from the process environment:
    /// <c>$PARLEY_HOME/parley.db</c>, else <c>$XDG_DATA_HOME/parley/parley.db</c>, else
    /// <c>~/.local/share/parley/parley.db</c>.
    /// </summary>
    /// <returns>The absolute path of the database file (the folder may not exist yet).</returns>
    public static string DefaultDatabasePath() => DefaultDatabasePath(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Gets the default database path from the given environment:
    /// <c>$PARLEY_HOME/parley.db</c>, else <c>$XDG_DATA_HOME/parley/parley.db</c>, else
    /// <c>$HOME/.local/share/parley/parley.db</c>. Empty variables count as unset, and a relative
    /// <c>XDG_DATA_HOME</c> is ignored, as the XDG specification says.
    /// </summary>
    /// <param name="getEnvironmentVariable">Reads an environment variable; returns <see langword="null"/> when it is not set.</param>
    /// <returns>The absolute path of the database file (the folder may not exist yet).</returns>
    public static string DefaultDatabasePath(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);

        string? parleyHome = NonEmpty(getEnvironmentVariable("PARLEY_HOME"));
        if (parleyHome is not null)
        {
            return Path.GetFullPath(Path.Combine(ExpandHome(parleyHome, getEnvironmentVariable), DatabaseFileName));
        }

        string? xdgDataHome = NonEmpty(getEnvironmentVariable("XDG_DATA_HOME"));
        if (xdgDataHome is not null && Path.IsPathRooted(xdgDataHome))
        {
            return Path.GetFullPath(Path.Combine(xdgDataHome, "parley", DatabaseFileName));
        }

        return Path.GetFullPath(Path.Combine(Home(getEnvironmentVariable), ".local", "share", "parley", DatabaseFileName));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Home(Func<string, string?> getEnvironmentVariable) =>
        NonEmpty(getEnvironmentVariable("HOME"))
        ?? NonEmpty(getEnvironmentVariable("USERPROFILE"))
        ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string ExpandHome(string path, Func<string, string?> getEnvironmentVariable) =>
        path == "~" ? Home(getEnvironmentVariable)
        : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home(getEnvironmentVariable), path[2..])
        : path;
}
