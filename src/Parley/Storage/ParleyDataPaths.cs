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
    /// <c>$HOME/.local/share/parley/parley.db</c>, as <see cref="ParleyPaths.DatabaseFile"/>: empty variables count
    /// as unset, a relative <c>XDG_DATA_HOME</c> is ignored (as the XDG specification says), and a leading <c>~</c> is
    /// the home folder, as a shell expands it.
    /// </summary>
    /// <param name="getEnvironmentVariable">Reads an environment variable; returns <see langword="null"/> when it is not set.</param>
    /// <returns>The absolute path of the database file (the folder may not exist yet).</returns>
    public static string DefaultDatabasePath(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        return ParleyPaths.Resolve(getEnvironmentVariable).DatabaseFile;
    }
}
