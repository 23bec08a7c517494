using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Parley;

/// <summary>
/// Checks a database file before Parley writes to it, reading only: a file that is not Parley's,
/// is corrupt, or comes from a newer Parley is refused and left exactly as it was.
/// </summary>
internal static class SqliteDatabaseFile
{
    /// <summary>The busy timeout: how long a statement waits for another process's write lock.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    /// <summary>How messages name an in-memory database.</summary>
    private const string InMemoryName = "(in memory)";

    /// <summary>Builds the connection string for the database file.</summary>
    public static string ConnectionString(string path, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        Pooling = false, // one long-lived connection per store; closing it releases the file at once
        DefaultTimeout = (int)BusyTimeout.TotalSeconds,
    }.ToString();

    /// <summary>
    /// Inspects the file read-only. Returns normally when the file is missing, empty, an empty SQLite
    /// database, or a healthy Parley database this build can open.
    /// </summary>
    /// <exception cref="ParleyStorageException">The file must not be opened.</exception>
    public static async Task InspectAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            throw NotParley(path, "it is a directory");
        }

        if (!File.Exists(path))
        {
            return;
        }

        byte[] header = new byte[100];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }

        if (read == 0)
        {
            return; // an empty file is an empty SQLite database
        }

        if (read < 16 || !header.AsSpan(0, 16).SequenceEqual("SQLite format 3\0"u8))
        {
            throw NotParley(path, "it is not an SQLite database file");
        }

        if (read < header.Length)
        {
            throw Corrupt(path, "the file ends inside the SQLite header", null);
        }

        var connection = new SqliteConnection(ConnectionString(path, SqliteOpenMode.ReadOnly));
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await ScalarAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};", cancellationToken).ConfigureAwait(false);
                long applicationId = Convert.ToInt64(await ScalarAsync(connection, "PRAGMA application_id;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                long objects = Convert.ToInt64(await ScalarAsync(connection, "SELECT count(*) FROM sqlite_master;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (applicationId != StorageMigrations.ApplicationId)
                {
                    if (applicationId == 0 && objects == 0)
                    {
                        return; // an empty SQLite database: Parley may make it its own
                    }

                    throw NotParley(path, applicationId == 0
                        ? "it is an SQLite database without Parley's marker (another application's?)"
                        : string.Create(CultureInfo.InvariantCulture, $"it is an SQLite database of another application (application id 0x{applicationId:x8})"));
                }

                int version = await StorageMigrations.ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
                if (version > StorageMigrations.LatestVersion)
                {
                    throw new ParleyStorageException(
                        path,
                        $"'{path}' was written by a newer Parley (schema version {version}; this version knows up to {StorageMigrations.LatestVersion}). Upgrade Parley to open it.");
                }

                await ProbeTablesAsync(connection, cancellationToken).ConfigureAwait(false);

                // Before any write: damage anywhere (not only where appends write) is refused while the file is still
                // as it was. quick_check reads every page, so it is skipped only when the file is exactly as the last
                // Parley that checked it left it (IntegrityStamp).
                if (!IntegrityStamp.Matches(path))
                {
                    string check = await QuickCheckAsync(connection, cancellationToken).ConfigureAwait(false);
                    if (!string.Equals(check, "ok", StringComparison.Ordinal))
                    {
                        throw Corrupt(path, check, null);
                    }
                }
            }
            catch (SqliteException exception) when (exception.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase or SqliteBusy or SqliteLocked)
            {
                throw Translate(path, exception, untouched: true);
            }
            catch (SqliteException exception)
            {
                throw new ParleyStorageException(path, $"'{path}' cannot be read: {exception.Message}", exception);
            }
        }
    }

    /// <summary>True when <paramref name="exception"/> is another process's lock outlasting the busy timeout.</summary>
    public static bool IsLocked(ParleyStorageException exception) =>
        exception.InnerException is SqliteException inner && IsLocked(inner);

    /// <summary>True when <paramref name="exception"/> is another process's lock outlasting the busy timeout.</summary>
    public static bool IsLocked(SqliteException exception) => exception.SqliteErrorCode is SqliteBusy or SqliteLocked;

    /// <summary>
    /// Maps an SQLite error to a <see cref="ParleyStorageException"/>: corruption and another process's lock get their own
    /// advice; any other failure (read-only, disk full, I/O) names the database and SQLite's reason.
    /// </summary>
    /// <param name="path">The database file; <see langword="null"/> for an in-memory database.</param>
    /// <param name="exception">The error.</param>
    /// <param name="untouched">Whether the error came before Parley wrote anything (otherwise the failing transaction was rolled back).</param>
    public static ParleyStorageException Translate(string? path, SqliteException exception, bool untouched = false)
    {
        string name = path ?? InMemoryName;
        return exception.SqliteErrorCode switch
        {
            SqliteCorrupt or SqliteNotADatabase => Corrupt(path, name, exception.Message, exception, untouched),
            SqliteBusy or SqliteLocked => new ParleyStorageException(
                path,
                $"'{name}' is locked by another process; gave up after {BusyTimeout.TotalSeconds:0} s. Try again.",
                exception),
            _ => new ParleyStorageException(path, $"the conversation database {name} failed: {exception.Message}", exception),
        };
    }

    private static ParleyStorageException NotParley(string path, string reason) =>
        new(path, $"'{path}' is not a Parley database: {reason}. It was left untouched; choose another file (or set PARLEY_HOME).");

    private static ParleyStorageException Corrupt(string path, string detail, Exception? inner) => Corrupt(path, path, detail, inner, untouched: true);

    private static ParleyStorageException Corrupt(string? path, string name, string detail, Exception? inner, bool untouched) =>
        new(
            path,
            $"'{name}' is corrupt: {detail.TrimEnd('.', ' ')}. "
                + (untouched ? "It was left untouched" : "The last change was rolled back")
                + "; restore a backup, or move the file away to start a new database.",
            inner);

    /// <summary>
    /// Reads the first and the last row of every table: the root pages and the right-hand pages that
    /// appends write to. Damage there would surface at the first write, so it is refused up front.
    /// </summary>
    private static async Task ProbeTablesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var tables = new List<(string Name, bool HasRowId)>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND rootpage > 0;";
            using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string sql = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
                tables.Add((reader.GetString(0), !sql.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase)));
            }
        }

        foreach (var (name, hasRowId) in tables)
        {
            string quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await ScalarAsync(connection, $"SELECT count(*) FROM (SELECT * FROM {quoted} LIMIT 1);", cancellationToken).ConfigureAwait(false);
            if (hasRowId)
            {
                await ScalarAsync(connection, $"SELECT count(*) FROM (SELECT * FROM {quoted} ORDER BY rowid DESC LIMIT 1);", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<string> QuickCheckAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check(5);";
        var problems = new List<string>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            problems.Add(reader.GetString(0));
        }

        return problems.Count == 1 ? problems[0] : string.Join("; ", problems);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
