using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Parley.Postgres;

/// <summary>
/// The pooled data source of a <see cref="PostgresConversationStore"/>: every call borrows a connection, runs, and
/// returns it, so calls run in parallel; every provider failure leaves as <see cref="ParleyStorageException"/>.
/// </summary>
internal sealed class PostgresDatabase(NpgsqlDataSource dataSource, string description) : IAsyncDisposable
{
    /// <summary>Gets where the database is, without its password (for messages).</summary>
    public string Description { get; } = description;

    /// <summary>Runs <paramref name="work"/> on a pooled connection.</summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } storage)
        {
            throw storage;
        }
    }

    /// <summary>Opens a pooled connection the caller keeps (and disposes), for work that spans calls.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } storage)
        {
            throw storage;
        }
    }

    /// <summary>Runs <paramref name="work"/> on a connection from <see cref="OpenAsync"/>, its failures translated.</summary>
    public async Task<T> RunOnAsync<T>(NpgsqlConnection connection, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } storage)
        {
            throw storage;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction that commits when it returns and rolls back when it throws.</summary>
    public Task<T> TransactAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken, IsolationLevel isolation = IsolationLevel.ReadCommitted) =>
        RunAsync(
            async c =>
            {
                await using var transaction = await c.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
                var result = await work(c, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            },
            cancellationToken);

    /// <summary>Creates a command with positional parameters (<c>$1</c>, <c>$2</c>, …).</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) => new(sql, connection, transaction);

    /// <summary>Adds the next positional parameter; <see langword="null"/> is sent as SQL NULL of <paramref name="type"/>.</summary>
    public static void Add(NpgsqlCommand command, object? value, NpgsqlDbType type) =>
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });

    /// <inheritdoc />
    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    /// <summary>Turns a driver or server failure into <see cref="ParleyStorageException"/>; cancellation and Parley's own errors pass through.</summary>
    internal ParleyStorageException? Translate(Exception error, CancellationToken cancellationToken)
    {
        if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return error switch
        {
            PostgresException p => new ParleyStorageException($"PostgreSQL at {Description} refused the operation: {p.MessageText} ({p.SqlState}).", p),
            NpgsqlException n => new ParleyStorageException($"PostgreSQL at {Description} cannot be used: {Describe(n)}.", n),
            TimeoutException t => new ParleyStorageException($"PostgreSQL at {Description} did not answer in time.", t),
            _ => null,
        };
    }

    private static string Describe(Exception error)
    {
        var inner = error;
        while (inner.InnerException is { } next && inner is NpgsqlException)
        {
            inner = next;
        }

        return inner == error ? error.Message.TrimEnd('.') : $"{error.Message.TrimEnd('.')}: {inner.Message.TrimEnd('.')}";
    }
}
