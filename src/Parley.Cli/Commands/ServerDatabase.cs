using Parley.Postgres;

namespace Parley.Cli;

/// <summary>
/// The PostgreSQL database the CLI uses instead of the SQLite file when <c>--db</c> or <c>PARLEY_DATABASE_URL</c> names
/// one. Its own type, so a SQLite user's process never loads Npgsql.
/// </summary>
internal static class ServerDatabase
{
    /// <summary>Opens (and migrates) the database; a malformed URL is a usage error that never shows the password.</summary>
    /// <param name="url">A <c>postgres://</c> URL or an Npgsql connection string.</param>
    /// <param name="source">Where it came from (<c>--db</c> or <c>PARLEY_DATABASE_URL</c>), for the message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task<IConversationStore> OpenAsync(string url, string source, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresConversationStore.OpenAsync(url, null, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            throw new CliUsageException($"{source}: {e.Message}");
        }
    }

    /// <summary>Where the database is, for display: the URL with its password masked, or <c>user@host:port/database</c>.</summary>
    public static string Describe(string url)
    {
        try
        {
            return PostgresConnectionString.Describe(PostgresConnectionString.Parse(url));
        }
        catch (FormatException)
        {
            return PostgresConnectionString.Mask(url);
        }
    }
}
