using static Parley.SqliteSql;

namespace Parley;

/// <summary>Reads every turn's usage since a local day, for <see cref="UsageReportBuilder"/> to sum.</summary>
internal sealed class SqliteUsageQuery(SqliteStoreConnection database, StoreClock clock)
{
    public Task<UsageReport> GetReportAsync(DateOnly? since, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var command = Command(c, null, """
                SELECT t.created_at, t.model, t.conversation_id, c.title, t.kind,
                       t.input_tokens, t.output_tokens, t.cached_input_tokens, t.reasoning_tokens, t.total_tokens, t.cost_usd, t.status, c.key_name
                FROM turns t JOIN conversations c ON c.id = t.conversation_id
                WHERE t.created_at >= $from
                ORDER BY t.created_at;
                """);
            Add(command, "$from", since is { } day ? StorageText.FormatTime(UsageReportBuilder.StartOfDayUtc(day, clock.TimeZone)) : string.Empty);
            var samples = new List<UsageSample>();
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    samples.Add(new UsageSample(
                        StorageText.ParseTime(reader.GetString(0)),
                        NullableString(reader, 1),
                        reader.GetString(2),
                        NullableString(reader, 3),
                        StorageText.ParseKind(reader.GetString(4)),
                        StorageText.ParseStatus(reader.GetString(11)),
                        NullableInt64(reader, 5),
                        NullableInt64(reader, 6),
                        NullableInt64(reader, 7),
                        NullableInt64(reader, 8),
                        NullableInt64(reader, 9),
                        reader.IsDBNull(10) ? null : ToDecimal(reader.GetDouble(10)),
                        NullableString(reader, 12)));
                }
            }

            return UsageReportBuilder.Build(samples, since, clock.TimeZone);
        }, cancellationToken);
}
