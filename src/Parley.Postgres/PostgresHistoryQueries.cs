using System.Data;
using System.Text;
using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;
using static Parley.Postgres.PostgresDatabase;
using static Parley.Postgres.PostgresRows;

namespace Parley.Postgres;

/// <summary>The history screen's queries: load, latest, list, search, resolve an id prefix, delete and the usage report.</summary>
internal sealed class PostgresHistoryQueries(PostgresDatabase database, TimeZoneInfo timeZone)
{
    public Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                var conversation = await ReadConversationAsync(c, t, conversationId, cancellationToken).ConfigureAwait(false)
                    ?? throw new ConversationNotFoundException(conversationId);

                var messages = await ReadMessagesAsync(c, t, conversationId, 0, cancellationToken).ConfigureAwait(false);

                var turns = new List<TurnRecord>();
                await using (var command = Command(c, t, $"SELECT {TurnColumns} FROM turns WHERE conversation_id = $1 ORDER BY rowid;"))
                {
                    Add(command, conversationId, NpgsqlDbType.Text);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        turns.Add(ReadTurn(reader));
                    }
                }

                return new StoredConversation { Conversation = conversation, Messages = messages, Turns = turns };
            },
            cancellationToken,
            IsolationLevel.RepeatableRead); // one consistent snapshot

    /// <summary>The conversation's messages from <paramref name="fromSequence"/> on, in order.</summary>
    public Task<IReadOnlyList<StoredMessage>> LoadMessagesAsync(string conversationId, long fromSequence, CancellationToken cancellationToken) =>
        database.TransactAsync<IReadOnlyList<StoredMessage>>(
            async (c, t) =>
            {
                _ = await ReadConversationAsync(c, t, conversationId, cancellationToken).ConfigureAwait(false)
                    ?? throw new ConversationNotFoundException(conversationId);
                return await ReadMessagesAsync(c, t, conversationId, fromSequence, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken,
            IsolationLevel.RepeatableRead); // one consistent snapshot

    private static async Task<List<StoredMessage>> ReadMessagesAsync(NpgsqlConnection c, NpgsqlTransaction t, string conversationId, long fromSequence, CancellationToken cancellationToken)
    {
        var messages = new List<StoredMessage>();
        await using var command = Command(c, t, "SELECT seq, role, content, token_counts, created_at, parts FROM messages WHERE conversation_id = $1 AND seq >= $2 ORDER BY seq;");
        Add(command, conversationId, NpgsqlDbType.Text);
        Add(command, fromSequence, NpgsqlDbType.Bigint);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var createdAt = Time(reader, 4);
            messages.Add(new StoredMessage
            {
                ConversationId = conversationId,
                Sequence = reader.GetInt64(0),
                Message = StorageText.StoredMessage(new ChatRole(reader.GetString(1)), reader.GetString(2), NullableString(reader, 5), createdAt),
                TokenCounts = StorageText.TokenCountsFromJson(NullableString(reader, 3)),
                CreatedAt = createdAt,
            });
        }

        return messages;
    }

    public Task<ConversationRecord?> FindLatestAsync(CancellationToken cancellationToken) =>
        database.RunAsync(
            async c =>
            {
                await using var command = Command(c, null, $"SELECT {ConversationColumns} FROM conversations ORDER BY updated_at DESC, rowid DESC LIMIT 1;");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadConversation(reader) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<ConversationListItem>> ListAsync(int? limit, CancellationToken cancellationToken) =>
        ListAsync(limit, null, cancellationToken);

    /// <summary>
    /// The list, newest first; with a filter, only the conversations its key's client named (<c>client_id</c>), and of
    /// those only the ones with a message that matches every search term (as <see cref="SearchAsync"/> matches).
    /// </summary>
    public Task<IReadOnlyList<ConversationListItem>> ListAsync(int? limit, ClientFilter? filter, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<ConversationListItem>>(
            async c =>
            {
                await using var command = Command(c, null, string.Empty);
                var where = new StringBuilder();
                if (filter is not null)
                {
                    Add(command, filter.KeyName, NpgsqlDbType.Text);
                    where.Append("WHERE c.client_id IS NOT NULL AND coalesce(c.key_name, '') = coalesce($1, '')");
                    if (filter.Terms.Count > 0)
                    {
                        where.Append(" AND c.id IN (SELECT m.conversation_id FROM messages m WHERE true");
                        AppendMatch(where, command, filter.Terms);
                        where.Append(')');
                    }
                }

                Add(command, limit is { } l ? (long)l : null, NpgsqlDbType.Bigint);
                command.CommandText = $"""
                    SELECT c.id, c.title, c.model, c.created_at, c.updated_at,
                           coalesce(t.chat_turns, 0), coalesce(t.tokens, 0), t.cost,
                           (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id), c.key_name, c.client_id
                    FROM conversations c
                    LEFT JOIN (
                        SELECT conversation_id,
                               count(*) FILTER (WHERE kind = 'chat') AS chat_turns,
                               sum(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0)))::bigint AS tokens,
                               sum(cost_usd) AS cost
                        FROM turns GROUP BY conversation_id
                    ) t ON t.conversation_id = c.id
                    {where}
                    ORDER BY c.updated_at DESC, c.rowid DESC
                    LIMIT ${command.Parameters.Count};
                    """;
                var items = new List<ConversationListItem>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    items.Add(new ConversationListItem
                    {
                        Id = reader.GetString(0),
                        Title = NullableString(reader, 1),
                        Model = NullableString(reader, 2),
                        CreatedAt = Time(reader, 3),
                        UpdatedAt = Time(reader, 4),
                        TurnCount = (int)reader.GetInt64(5),
                        TotalTokens = reader.GetInt64(6),
                        TotalCostUsd = NullableDecimal(reader, 7),
                        MessageCount = (int)reader.GetInt64(8),
                        KeyName = NullableString(reader, 9),
                        ClientId = NullableString(reader, 10),
                    });
                }

                return items;
            },
            cancellationToken);

    /// <summary>Every term must occur in the message (case-insensitive <c>ILIKE</c>, served by the trigram index for terms of 3+ characters).</summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<SearchHit>>(
            async c =>
            {
                var sql = new StringBuilder("""
                    SELECT DISTINCT ON (m.conversation_id) m.conversation_id, c.title, m.seq, m.role, m.content, m.created_at, m.id
                    FROM messages m JOIN conversations c ON c.id = m.conversation_id
                    WHERE true
                    """);
                await using var command = Command(c, null, string.Empty);
                AppendMatch(sql, command, terms);

                Add(command, (long)limit, NpgsqlDbType.Bigint);
                command.CommandText = $"SELECT * FROM ({sql} ORDER BY m.conversation_id, m.id DESC) hits ORDER BY id DESC LIMIT ${command.Parameters.Count};";

                var hits = new List<SearchHit>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    hits.Add(new SearchHit
                    {
                        ConversationId = reader.GetString(0),
                        Title = NullableString(reader, 1),
                        Sequence = reader.GetInt64(2),
                        Role = reader.GetString(3),
                        Snippet = StorageText.Snippet(reader.GetString(4), terms),
                        CreatedAt = Time(reader, 5),
                    });
                }

                return hits;
            },
            cancellationToken);

    public Task<string> ResolveIdAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        string prefix = StorageText.NormalizePrefix(idOrPrefix);
        return database.RunAsync(
            async c =>
            {
                var candidates = new List<(string Id, string? Title)>();
                await using (var command = Command(c, null, "SELECT id, title FROM conversations WHERE id LIKE $1 ORDER BY id LIMIT 11;"))
                {
                    Add(command, prefix + "%", NpgsqlDbType.Text); // lowercase hex only: no LIKE metacharacters
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        candidates.Add((reader.GetString(0), NullableString(reader, 1)));
                    }
                }

                return candidates.Count switch
                {
                    0 => throw new ConversationNotFoundException(idOrPrefix),
                    1 => candidates[0].Id,
                    _ => throw new ConversationNotFoundException(idOrPrefix, candidates.Take(10).ToArray()),
                };
            },
            cancellationToken);
    }

    public Task DeleteAsync(string conversationId, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                await using var command = Command(c, t, "DELETE FROM conversations WHERE id = $1;");
                Add(command, conversationId, NpgsqlDbType.Text);
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new ConversationNotFoundException(conversationId);
                }

                return true;
            },
            cancellationToken);

    public Task<UsageReport> GetUsageReportAsync(DateOnly? since, CancellationToken cancellationToken) =>
        database.RunAsync(
            async c =>
            {
                await using var command = Command(c, null, """
                    SELECT t.created_at, t.model, t.conversation_id, c.title, t.kind,
                           t.input_tokens, t.output_tokens, t.cached_input_tokens, t.reasoning_tokens, t.total_tokens, t.cost_usd, t.status, c.key_name
                    FROM turns t JOIN conversations c ON c.id = t.conversation_id
                    WHERE $1::timestamptz IS NULL OR t.created_at >= $1
                    ORDER BY t.created_at, t.rowid;
                    """);
                Add(command, since is { } day ? UsageReportBuilder.StartOfDayUtc(day, timeZone) : null, NpgsqlDbType.TimestampTz);
                var samples = new List<UsageSample>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        samples.Add(new UsageSample(
                            Time(reader, 0),
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
                            NullableDecimal(reader, 10),
                            NullableString(reader, 12)));
                    }
                }

                return UsageReportBuilder.Build(samples, since, timeZone);
            },
            cancellationToken);

    /// <summary>Appends the conditions a message <c>m</c> matches every term by (case-insensitive <c>ILIKE</c>, served by the trigram index for terms of 3+ characters).</summary>
    private static void AppendMatch(StringBuilder sql, NpgsqlCommand command, IReadOnlyList<string> terms)
    {
        foreach (string term in terms)
        {
            Add(command, "%" + EscapeLike(term) + "%", NpgsqlDbType.Text);
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" AND m.content ILIKE ${command.Parameters.Count}");
        }
    }

    private static string EscapeLike(string term) =>
        term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
