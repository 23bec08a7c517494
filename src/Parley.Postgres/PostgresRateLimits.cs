using NpgsqlTypes;
using static Parley.Postgres.PostgresDatabase;

namespace Parley.Postgres;

/// <summary>
/// The rate-limit windows of <see cref="PostgresConversationStore"/>'s keys: one transaction locks the key's row
/// (<c>SELECT … FOR UPDATE</c>), deletes its requests older than a minute, reads the rest, decides by
/// <see cref="RateLimitRule"/> and records the request when it fits, so acquisitions for one key take turns across
/// every connection and every replica.
/// </summary>
internal sealed class PostgresRateLimits(PostgresDatabase database, Func<DateTimeOffset> now)
{
    public Task<RateLimitAcquisition> TryAcquireAsync(long keyId, int? requestsPerMinute, int? tokensPerMinute, long tokens, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                var at = now();
                await using (var lockKey = Command(c, t, """
                    SELECT id FROM api_keys WHERE id = $1 FOR UPDATE;
                    """))
                {
                    Add(lockKey, keyId, NpgsqlDbType.Bigint);
                    if (await lockKey.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                    {
                        throw new ArgumentException($"No virtual key has the id {keyId}.", nameof(keyId));
                    }
                }

                await using (var prune = Command(c, t, "DELETE FROM api_key_requests WHERE key_id = $1 AND at <= $2;"))
                {
                    Add(prune, keyId, NpgsqlDbType.Bigint);
                    Add(prune, at - RateLimitRule.Window, NpgsqlDbType.TimestampTz);
                    await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var window = new List<(DateTimeOffset At, long Tokens)>();
                await using (var read = Command(c, t, "SELECT at, tokens FROM api_key_requests WHERE key_id = $1 ORDER BY at, id;"))
                {
                    Add(read, keyId, NpgsqlDbType.Bigint);
                    await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        window.Add((PostgresRows.Time(reader, 0), reader.GetInt64(1)));
                    }
                }

                var decision = RateLimitRule.Decide(window, at, requestsPerMinute, tokensPerMinute, tokens);
                if (decision.Allowed)
                {
                    await using var insert = Command(c, t, "INSERT INTO api_key_requests (key_id, at, tokens) VALUES ($1, $2, $3);");
                    Add(insert, keyId, NpgsqlDbType.Bigint);
                    Add(insert, at, NpgsqlDbType.TimestampTz);
                    Add(insert, tokens, NpgsqlDbType.Bigint);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return decision;
            },
            cancellationToken);
}
