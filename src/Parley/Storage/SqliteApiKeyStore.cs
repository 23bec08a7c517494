using System.Globalization;
using Microsoft.Data.Sqlite;
using static Parley.SqliteSql;

namespace Parley;

/// <summary>
/// The virtual keys of <see cref="SqliteConversationStore"/>: rows of <c>api_keys</c>, and their spend per UTC day and
/// month in <c>api_key_spend</c>. A reservation reads and adds in one <c>BEGIN IMMEDIATE</c> transaction, so neither
/// threads (the connection runs one call at a time) nor other processes (the write lock) can pass a budget.
/// </summary>
internal sealed class SqliteApiKeyStore(SqliteStoreConnection database, StoreClock clock)
{
    private const string KeyColumns = "k.id, k.name, k.daily_usd, k.monthly_usd, k.models, k.rpm, k.tpm, k.created_at, k.revoked_at";

    private const string SpendColumns =
        "(SELECT coalesce(sum(s.reserved_usd + s.settled_usd), 0) FROM api_key_spend s WHERE s.key_id = k.id AND s.period = $day), "
        + "(SELECT coalesce(sum(s.reserved_usd + s.settled_usd), 0) FROM api_key_spend s WHERE s.key_id = k.id AND s.period = $month)";

    public Task<ApiKeyRecord?> CreateAsync(string name, string apiKey, ApiKeyLimits limits, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            using (var exists = Command(c, transaction, "SELECT 1 FROM api_keys WHERE name = $name;"))
            {
                Add(exists, "$name", name);
                if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    return null;
                }
            }

            using (var insert = Command(c, transaction, """
                INSERT INTO api_keys (name, key_sha256, daily_usd, monthly_usd, models, rpm, tpm, created_at, context_policy)
                VALUES ($name, $hash, $daily, $monthly, $models, $rpm, $tpm, $now, $context_policy);
                """))
            {
                Add(insert, "$name", name);
                Add(insert, "$hash", ApiKeyHash.Of(apiKey));
                Add(insert, "$daily", limits.DailyUsd is { } daily ? (double)daily : null);
                Add(insert, "$monthly", limits.MonthlyUsd is { } monthly ? (double)monthly : null);
                Add(insert, "$models", limits.Models is { } models ? string.Join(',', models) : null);
                Add(insert, "$rpm", limits.RequestsPerMinute);
                Add(insert, "$context_policy", limits.ContextPolicy);
                Add(insert, "$tpm", limits.TokensPerMinute);
                Add(insert, "$now", clock.NowText());
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var record = await ReadAsync(c, transaction, "k.name = $name", "$name", name, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record;
        }, cancellationToken);

    public Task<ApiKeyRecord?> FindAsync(string apiKey, CancellationToken cancellationToken) =>
        database.RunAsync(c => ReadAsync(c, null, "k.key_sha256 = $hash", "$hash", ApiKeyHash.Of(apiKey), cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<ApiKeyRecord>>(async c =>
        {
            using var command = Command(c, null, $"SELECT {KeyColumns}, {SpendColumns}, k.context_policy FROM api_keys k ORDER BY k.id;");
            AddPeriods(command, Today());
            var keys = new List<ApiKeyRecord>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(ReadKey(reader));
            }

            return keys;
        }, cancellationToken);

    public Task<bool> RevokeAsync(string name, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            using var update = Command(c, transaction, "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $now) WHERE name = $name;");
            Add(update, "$name", name);
            Add(update, "$now", clock.NowText());
            bool found = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
            transaction.Commit();
            return found;
        }, cancellationToken);

    public Task<BudgetReservation> ReserveAsync(long keyId, decimal amountUsd, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            var day = Today();

            // BEGIN IMMEDIATE: the write lock is taken before the budget is read, so the check and the add are one step.
            using var transaction = c.BeginTransaction(deferred: false);
            decimal? dailyLimit;
            decimal? monthlyLimit;
            decimal spentToday;
            decimal spentThisMonth;
            using (var command = Command(c, transaction, $"SELECT k.daily_usd, k.monthly_usd, {SpendColumns} FROM api_keys k WHERE k.id = $id;"))
            {
                Add(command, "$id", keyId);
                AddPeriods(command, day);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new ArgumentException($"No virtual key has the id {keyId}.", nameof(keyId));
                }

                dailyLimit = NullableDecimal(reader, 0);
                monthlyLimit = NullableDecimal(reader, 1);
                spentToday = ToDecimal(reader.GetDouble(2));
                spentThisMonth = ToDecimal(reader.GetDouble(3));
            }

            bool granted = (dailyLimit is null || spentToday + amountUsd <= dailyLimit)
                && (monthlyLimit is null || spentThisMonth + amountUsd <= monthlyLimit);
            if (granted)
            {
                await AddSpendAsync(c, transaction, keyId, day, amountUsd, 0m, cancellationToken).ConfigureAwait(false);
                spentToday += amountUsd;
                spentThisMonth += amountUsd;
            }

            transaction.Commit();
            return new BudgetReservation(keyId, day, amountUsd, granted, dailyLimit - spentToday, monthlyLimit - spentThisMonth);
        }, cancellationToken);

    public Task SettleAsync(BudgetReservation reservation, decimal costUsd, CancellationToken cancellationToken) =>
        ChangeAsync(reservation, costUsd, cancellationToken);

    public Task ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken) =>
        ChangeAsync(reservation, 0m, cancellationToken);

    private Task ChangeAsync(BudgetReservation reservation, decimal costUsd, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            await AddSpendAsync(c, transaction, reservation.KeyId, reservation.Day, -reservation.AmountUsd, costUsd, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return true;
        }, cancellationToken);

    /// <summary>Adds to the reserved and settled spend of the day and of its month.</summary>
    private static async Task AddSpendAsync(SqliteConnection c, SqliteTransaction transaction, long keyId, DateOnly day, decimal reserved, decimal settled, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, """
            INSERT INTO api_key_spend (key_id, period, reserved_usd, settled_usd) VALUES ($id, $day, $reserved, $settled), ($id, $month, $reserved, $settled)
            ON CONFLICT (key_id, period) DO UPDATE SET
                reserved_usd = max(0, reserved_usd + excluded.reserved_usd),
                settled_usd = settled_usd + excluded.settled_usd;
            """);
        Add(command, "$id", keyId);
        AddPeriods(command, day);
        Add(command, "$reserved", (double)reserved);
        Add(command, "$settled", (double)settled);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ApiKeyRecord?> ReadAsync(SqliteConnection c, SqliteTransaction? transaction, string where, string parameter, string value, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, $"SELECT {KeyColumns}, {SpendColumns}, k.context_policy FROM api_keys k WHERE {where};");
        Add(command, parameter, value);
        AddPeriods(command, Today());
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadKey(reader) : null;
    }

    private static ApiKeyRecord ReadKey(SqliteDataReader reader) => SqliteRows.Rows.ApiKey(reader);

    private static decimal? NullableDecimal(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ToDecimal(reader.GetDouble(ordinal));

    private static void AddPeriods(SqliteCommand command, DateOnly day)
    {
        Add(command, "$day", StorageText.BudgetDay(day));
        Add(command, "$month", StorageText.BudgetMonth(day));
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.Now().UtcDateTime);
}
