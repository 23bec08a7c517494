using Npgsql;
using NpgsqlTypes;

namespace Parley.Postgres;

/// <summary>
/// A conversation's lock for every process on the database: a session advisory lock
/// (<c>pg_advisory_lock(PRLC, hashtext(id))</c>) on a connection of its own, held until disposed. Two conversations whose
/// ids hash alike only wait for each other; a lost connection releases the lock with its session.
/// </summary>
internal sealed class PostgresConversationLock : IAsyncDisposable
{
    /// <summary>The first key of the two-key advisory lock space ("PRLC"), apart from the migrations' one-key lock.</summary>
    private const int Namespace = 0x50524C43;

    private readonly NpgsqlConnection _connection;
    private readonly string _conversationId;

    private PostgresConversationLock(NpgsqlConnection connection, string conversationId)
    {
        _connection = connection;
        _conversationId = conversationId;
    }

    public static async Task<IAsyncDisposable> AcquireAsync(PostgresDatabase database, string conversationId, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await database.RunOnAsync(connection, () => ExecuteAsync(connection, "SELECT pg_advisory_lock($1, hashtext($2));", conversationId, cancellationToken), cancellationToken).ConfigureAwait(false);
            return new PostgresConversationLock(connection, conversationId);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync(_connection, "SELECT pg_advisory_unlock($1, hashtext($2));", _conversationId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The connection broke: the server ended its session, and the lock with it.
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<bool> ExecuteAsync(NpgsqlConnection connection, string sql, string conversationId, CancellationToken cancellationToken)
    {
        await using var command = PostgresDatabase.Command(connection, null, sql);
        PostgresDatabase.Add(command, Namespace, NpgsqlDbType.Integer);
        PostgresDatabase.Add(command, conversationId, NpgsqlDbType.Text);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
