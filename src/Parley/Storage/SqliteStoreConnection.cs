using Microsoft.Data.Sqlite;

namespace Parley;

/// <summary>
/// The store's one SQLite connection: opened on a checked file (WAL, busy timeout) or on a private in-memory database,
/// used by one call at a time, and the only place an <see cref="SqliteException"/> becomes a
/// <see cref="ParleyStorageException"/>.
/// </summary>
internal sealed class SqliteStoreConnection : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _opened;
    private bool _disposed;

    private SqliteStoreConnection(string? filePath, SqliteConnection connection)
    {
        FilePath = filePath;
        _connection = connection;
    }

    /// <summary>Gets the full path of the database file, or <see langword="null"/> for an in-memory database.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the connection itself (tests read pragmas through it).</summary>
    public SqliteConnection Connection => _connection;

    /// <summary>
    /// Opens the database file, creating it (private to the user) and its folder when needed, after checking it read-only
    /// (<see cref="SqliteDatabaseFile.InspectAsync"/>); sets WAL, <c>synchronous=NORMAL</c> and the busy timeout.
    /// </summary>
    public static async Task<SqliteStoreConnection> OpenFileAsync(string path, CancellationToken cancellationToken)
    {
        string fullPath = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder))
        {
            PrivateFiles.CreateFolder(folder);
        }

        await SqliteDatabaseFile.InspectAsync(fullPath, cancellationToken).ConfigureAwait(false);

        // Created empty and private first: SQLite gives the -wal and -shm files the database file's mode.
        PrivateFiles.CreateFile(fullPath);

        var database = new SqliteStoreConnection(fullPath, new SqliteConnection(SqliteDatabaseFile.ConnectionString(fullPath, SqliteOpenMode.ReadWriteCreate)));
        await database.OpenAsync(
            [
                $"PRAGMA busy_timeout = {(int)SqliteDatabaseFile.BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;",
                "PRAGMA journal_mode = WAL;",
                "PRAGMA synchronous = NORMAL;",
            ],
            cancellationToken).ConfigureAwait(false);
        return database;
    }

    /// <summary>
    /// Opens a new, empty in-memory database of its own: a named shared-cache database that lives as long as this
    /// connection stays open, and is gone when it closes.
    /// </summary>
    public static async Task<SqliteStoreConnection> OpenInMemoryAsync(CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = "parley-" + Guid.NewGuid().ToString("N"),
            Mode = SqliteOpenMode.Memory,
            Cache = SqliteCacheMode.Shared,
            Pooling = false,
        }.ToString();
        var database = new SqliteStoreConnection(null, new SqliteConnection(connectionString));
        await database.OpenAsync(["PRAGMA foreign_keys = ON;"], cancellationToken).ConfigureAwait(false);
        return database;
    }

    /// <summary>Runs <paramref name="action"/> alone on the connection; SQLite errors come out as <see cref="ParleyStorageException"/>.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteConversationStore));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteConversationStore));
            cancellationToken.ThrowIfCancellationRequested();
            return await action(_connection).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw SqliteDatabaseFile.Translate(FilePath, exception);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Marks the open as finished: a clean close then records the file as checked (<see cref="IntegrityStamp"/>).</summary>
    public void MarkOpened() => _opened = true;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _connection.DisposeAsync().ConfigureAwait(false);
            if (_opened && FilePath is not null)
            {
                IntegrityStamp.Record(FilePath);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task OpenAsync(string[] pragmas, CancellationToken cancellationToken)
    {
        try
        {
            await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (string pragma in pragmas)
            {
                await SqliteSql.ExecuteAsync(_connection, null, pragma, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException exception)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw SqliteDatabaseFile.Translate(FilePath, exception);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
