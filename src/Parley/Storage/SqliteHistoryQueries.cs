using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using static Parley.SqliteSql;

namespace Parley;

/// <summary>Reads saved conversations: load one, the latest, the list, text search; and deletes one.</summary>
internal sealed class SqliteHistoryQueries(SqliteStoreConnection database)
{
    public Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: true); // one consistent snapshot
            var conversation = await SqliteRows.ReadConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false)
                ?? throw new ConversationNotFoundException(conversationId);

            var messages = await ReadMessagesAsync(c, transaction, conversationId, 0, cancellationToken).ConfigureAwait(false);

            var turns = new List<TurnRecord>();
            using (var command = Command(c, transaction, $"SELECT {SqliteRows.TurnColumns} FROM turns WHERE conversation_id = $id ORDER BY rowid;"))
            {
                Add(command, "$id", conversationId);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    turns.Add(SqliteRows.ReadTurn(reader));
                }
            }

            transaction.Commit();
            return new StoredConversation { Conversation = conversation, Messages = messages, Turns = turns };
        }, cancellationToken);

    /// <summary>The conversation's messages from <paramref name="fromSequence"/> on, in order.</summary>
    public Task<IReadOnlyList<StoredMessage>> LoadMessagesAsync(string conversationId, long fromSequence, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<StoredMessage>>(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: true); // one consistent snapshot
            await SqliteConversationWriter.RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            var messages = await ReadMessagesAsync(c, transaction, conversationId, fromSequence, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return messages;
        }, cancellationToken);

    private static async Task<List<StoredMessage>> ReadMessagesAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, long fromSequence, CancellationToken cancellationToken)
    {
        var messages = new List<StoredMessage>();
        using var command = Command(c, transaction, "SELECT seq, role, content, token_counts, created_at, parts FROM messages WHERE conversation_id = $id AND seq >= $from ORDER BY seq;");
        Add(command, "$id", conversationId);
        Add(command, "$from", fromSequence);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var createdAt = StorageText.ParseTime(reader.GetString(4));
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
        database.RunAsync(async c =>
        {
            using var command = Command(c, null, $"SELECT {SqliteRows.ConversationColumns} FROM conversations ORDER BY updated_at DESC, rowid DESC LIMIT 1;");
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteRows.ReadConversation(reader) : null;
        }, cancellationToken);

    public Task<IReadOnlyList<ConversationListItem>> ListAsync(int? limit, CancellationToken cancellationToken) =>
        ListAsync(limit, null, cancellationToken);

    /// <summary>
    /// The list, newest first; with a filter, only the conversations its key's client named (<c>client_id</c>), and of
    /// those only the ones with a message that matches every search term (as <see cref="SearchAsync"/> matches).
    /// </summary>
    public Task<IReadOnlyList<ConversationListItem>> ListAsync(int? limit, ClientFilter? filter, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<ConversationListItem>>(async c =>
        {
            using var command = Command(c, null, string.Empty);
            var where = new StringBuilder();
            if (filter is not null)
            {
                where.Append("WHERE c.client_id IS NOT NULL AND coalesce(c.key_name, '') = coalesce($key_name, '')");
                Add(command, "$key_name", filter.KeyName);
                if (filter.Terms.Count > 0)
                {
                    where.Append(" AND c.id IN (SELECT m.conversation_id FROM messages m WHERE 1 = 1");
                    AppendMatch(where, command, filter.Terms);
                    where.Append(')');
                }
            }

            command.CommandText = $"""
                SELECT c.id, c.title, c.model, c.created_at, c.updated_at,
                       coalesce(t.chat_turns, 0), coalesce(t.tokens, 0), t.cost,
                       (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id), c.key_name, c.client_id
                FROM conversations c
                LEFT JOIN (
                    SELECT conversation_id,
                           sum(kind = 'chat') AS chat_turns,
                           sum(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0))) AS tokens,
                           sum(cost_usd) AS cost
                    FROM turns GROUP BY conversation_id
                ) t ON t.conversation_id = c.id
                {where}
                ORDER BY c.updated_at DESC, c.rowid DESC
                LIMIT $limit;
                """;
            Add(command, "$limit", limit ?? -1);
            var items = new List<ConversationListItem>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new ConversationListItem
                {
                    Id = reader.GetString(0),
                    Title = NullableString(reader, 1),
                    Model = NullableString(reader, 2),
                    CreatedAt = StorageText.ParseTime(reader.GetString(3)),
                    UpdatedAt = StorageText.ParseTime(reader.GetString(4)),
                    TurnCount = reader.GetInt32(5),
                    TotalTokens = reader.GetInt64(6),
                    TotalCostUsd = reader.IsDBNull(7) ? null : ToDecimal(reader.GetDouble(7)),
                    MessageCount = reader.GetInt32(8),
                    KeyName = NullableString(reader, 9),
                    ClientId = NullableString(reader, 10),
                });
            }

            return items;
        }, cancellationToken);

    /// <summary>Finds messages containing every term: terms of 3+ characters through the trigram index, shorter ones by a scan.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<SearchHit>>(async c =>
        {
            var sql = new StringBuilder("""
                SELECT m.conversation_id, c.title, m.seq, m.role, m.content, m.created_at
                FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE 1 = 1
                """);
            using var command = Command(c, null, string.Empty);
            AppendMatch(sql, command, terms);
            sql.Append(" ORDER BY m.id DESC;");
            command.CommandText = sql.ToString();

            var hits = new List<SearchHit>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (hits.Count < limit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string conversationId = reader.GetString(0);
                if (!seen.Add(conversationId))
                {
                    continue;
                }

                hits.Add(new SearchHit
                {
                    ConversationId = conversationId,
                    Title = NullableString(reader, 1),
                    Sequence = reader.GetInt64(2),
                    Role = reader.GetString(3),
                    Snippet = StorageText.Snippet(reader.GetString(4), terms),
                    CreatedAt = StorageText.ParseTime(reader.GetString(5)),
                });
            }

            return hits;
        }, cancellationToken);

    public Task DeleteAsync(string conversationId, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            using var command = Command(c, transaction, "DELETE FROM conversations WHERE id = $id;");
            Add(command, "$id", conversationId);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new ConversationNotFoundException(conversationId);
            }

            transaction.Commit();
            return true;
        }, cancellationToken);

    /// <summary>Appends the conditions a message <c>m</c> matches every term by: terms of 3+ characters through the trigram index, shorter ones by a scan.</summary>
    private static void AppendMatch(StringBuilder sql, SqliteCommand command, IReadOnlyList<string> terms)
    {
        var indexed = terms.Where(t => StorageText.CodePointCount(t) >= 3).ToArray();
        if (indexed.Length > 0)
        {
            sql.Append(" AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH $match)");
            Add(command, "$match", string.Join(' ', indexed.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")));
        }

        int n = 0;
        foreach (string term in terms.Where(t => StorageText.CodePointCount(t) < 3))
        {
            string name = "$like" + n++.ToString(CultureInfo.InvariantCulture);
            sql.Append(CultureInfo.InvariantCulture, $" AND m.content LIKE {name} ESCAPE '\\'");
            Add(command, name, "%" + EscapeLike(term) + "%");
        }
    }

    private static string EscapeLike(string term) =>
        term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
