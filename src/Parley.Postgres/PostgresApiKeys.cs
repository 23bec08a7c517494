using Npgsql;
using NpgsqlTypes;
using static Parley.Postgres.PostgresDatabase;
using static Parley.Postgres.PostgresRows;

namespace Parley.Postgres;

/// <summary>
/// The virtual keys of <see cref="PostgresConversationStore"/>. A reservation locks the key's row
/// (<c>SELECT … FOR UPDATE</c>) in its transaction before it reads the spend and adds to it, so reservations for one
/// key take turns across every connection and every replica: no two can pass a budget together.
/// </summary>
internal sealed class PostgresApiKeys(PostgresDatabase database, Func<DateTimeOffset> now)
{
    private const string KeyColumns = "k.id, k.name, k.daily_usd, k.monthly_usd, k.models, k.rpm, k.tpm, k.created_at, k.revoked_at";

    /// <summary>The spend of the day (<c>$1</c>) and the month (<c>$2</c>) of key <c>k</c>.</summary>
    private const string SpendColumns =
        "(SELECT coalesce(sum(s.reserved_usd + s.settled_usd), 0) FROM api_key_spend s WHERE s.key_id = k.id AND s.period = $1), "
        + "(SELECT coalesce(sum(s.reserved_usd + s.settled_usd), 0) FROM api_key_spend s WHERE s.key_id = k.id AND s.period = $2)";

    public Task<ApiKeyRecord?> CreateAsync(string name, string apiKey, ApiKeyLimits limits, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                await using (var insert = Command(c, t, """
                    INSERT INTO api_keys (name, key_sha256, daily_usd, monthly_usd, models, rpm, tpm, created_at, context_policy)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (name) DO NOTHING;
                    """))
                {
                    Add(insert, name, NpgsqlDbType.Text);
                    Add(insert, ApiKeyHash.Of(apiKey), NpgsqlDbType.Text);
                    Add(insert, limits.DailyUsd, NpgsqlDbType.Numeric);
                    Add(insert, limits.MonthlyUsd, NpgsqlDbType.Numeric);
                    Add(insert, limits.Models is { } models ? string.Join(',', models) : null, NpgsqlDbType.Text);
                    Add(insert, limits.RequestsPerMinute is { } rpm ? (long)rpm : null, NpgsqlDbType.Bigint);
                    Add(insert, limits.TokensPerMinute is { } tpm ? (long)tpm : null, NpgsqlDbType.Bigint);
                    Add(insert, now(), NpgsqlDbType.TimestampTz);
                    Add(insert, limits.ContextPolicy, NpgsqlDbType.Text);
                    if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        return null;
                    }
                }

                return await ReadAsync(c, t, "k.name = $3", name, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>Reads the key from the database on every call (nothing is cached here: a revoke is seen by the next lookup).</summary>
    public Task<ApiKeyRecord?> FindAsync(string apiKey, CancellationToken cancellationToken) =>
        database.RunAsync(c => ReadAsync(c, null, "k.key_sha256 = $3", ApiKeyHash.Of(apiKey), cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<ApiKeyRecord>>(
            async c =>
            {
                await using var command = Command(c, null, $"SELECT {KeyColumns}, {SpendColumns}, k.context_policy FROM api_keys k ORDER BY k.id;");
                AddPeriods(command, Today());
                var keys = new List<ApiKeyRecord>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    keys.Add(ReadKey(reader));
                }

                return keys;
            },
            cancellationToken);

    public Task<bool> RevokeAsync(string name, CancellationToken cancellationToken) =>
        database.RunAsync(
            async c =>
            {
                await using var update = Command(c, null, "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE name = $1;");
                Add(update, name, NpgsqlDbType.Text);
                Add(update, now(), NpgsqlDbType.TimestampTz);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<BudgetReservation> ReserveAsync(long keyId, decimal amountUsd, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                var day = Today();
                decimal? dailyLimit;
                decimal? monthlyLimit;
                await using (var lockKey = Command(c, t, "SELECT daily_usd, monthly_usd FROM api_keys WHERE id = $1 FOR UPDATE;"))
                {
                    Add(lockKey, keyId, NpgsqlDbType.Bigint);
                    await using var reader = await lockKey.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw new ArgumentException($"No virtual key has the id {keyId}.", nameof(keyId));
                    }

                    dailyLimit = NullableDecimal(reader, 0);
                    monthlyLimit = NullableDecimal(reader, 1);
                }

                decimal spentToday;
                decimal spentThisMonth;
                await using (var spend = Command(c, t, $"SELECT {SpendColumns} FROM api_keys k WHERE k.id = $3;"))
                {
                    AddPeriods(spend, day);
                    Add(spend, keyId, NpgsqlDbType.Bigint);
                    await using var reader = await spend.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    spentToday = reader.GetDecimal(0);
                    spentThisMonth = reader.GetDecimal(1);
                }

                bool granted = (dailyLimit is null || spentToday + amountUsd <= dailyLimit)
                    && (monthlyLimit is null || spentThisMonth + amountUsd <= monthlyLimit);
                if (granted)
                {
                    await AddSpendAsync(c, t, keyId, day, amountUsd, 0m, cancellationToken).ConfigureAwait(false);
                    spentToday += amountUsd;
                    spentThisMonth += amountUsd;
                }

                return new BudgetReservation(keyId, day, amountUsd, granted, dailyLimit - spentToday, monthlyLimit - spentThisMonth);
            },
            cancellationToken);

    /// <summary>Replaces the reservation by the real cost (0 to release it), in the day and month the reservation was made in.</summary>
    public Task SettleAsync(BudgetReservation reservation, decimal costUsd, CancellationToken cancellationToken) =>
        database.RunAsync(
            async c =>
            {
                await AddSpendAsync(c, null, reservation.KeyId, reservation.Day, -reservation.AmountUsd, costUsd, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>Adds to the reserved and settled spend of the day and of its month, in one statement.</summary>
    private static async Task AddSpendAsync(NpgsqlConnection c, NpgsqlTransaction? t, long keyId, DateOnly day, decimal reserved, decimal settled, CancellationToken cancellationToken)
    {
        await using var command = Command(c, t, """
            INSERT INTO api_key_spend AS s (key_id, period, reserved_usd, settled_usd) VALUES ($3, $1, greatest($4, 0), $5), ($3, $2, greatest($4, 0), $5)
            ON CONFLICT (key_id, period) DO UPDATE SET
                reserved_usd = greatest(0, s.reserved_usd + $4),
                settled_usd = s.settled_usd + excluded.settled_usd;
            """);
        AddPeriods(command, day);
        Add(command, keyId, NpgsqlDbType.Bigint);
        Add(command, reserved, NpgsqlDbType.Numeric);
        Add(command, settled, NpgsqlDbType.Numeric);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ApiKeyRecord?> ReadAsync(NpgsqlConnection c, NpgsqlTransaction? t, string where, string value, CancellationToken cancellationToken)
    {
        await using var command = Command(c, t, $"SELECT {KeyColumns}, {SpendColumns}, k.context_policy FROM api_keys k WHERE {where};");
        AddPeriods(command, Today());
        Add(command, value, NpgsqlDbType.Text);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadKey(reader) : null;
    }

    private static ApiKeyRecord ReadKey(NpgsqlDataReader reader) => PostgresRows.Rows.ApiKey(reader);

    private static void AddPeriods(NpgsqlCommand command, DateOnly day)
    {
        Add(command, StorageText.BudgetDay(day), NpgsqlDbType.Text);
        Add(command, StorageText.BudgetMonth(day), NpgsqlDbType.Text);
    }

    private DateOnly Today() => DateOnly.FromDateTime(now().UtcDateTime);
}
