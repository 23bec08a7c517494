using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;
using static Parley.Postgres.PostgresDatabase;

namespace Parley.Postgres;

/// <summary>Creates, changes and appends to conversations; each call is one transaction.</summary>
internal sealed class PostgresConversationWriter(PostgresDatabase database, Func<DateTimeOffset> now)
{
    public Task<ConversationRecord> CreateAsync(NewConversation conversation, CancellationToken cancellationToken) =>
        database.TransactAsync((c, t) => InsertConversationAsync(c, t, conversation, cancellationToken), cancellationToken);

    public Task<ConversationRecord> UpdateAsync(string conversationId, ConversationUpdate update, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                await using (var command = Command(c, t, """
                    UPDATE conversations SET
                        title = coalesce($2, title),
                        provider = coalesce($3, provider),
                        model = coalesce($4, model),
                        system_prompt = coalesce($5, system_prompt),
                        context_policy = coalesce($6, context_policy),
                        summary = coalesce($7, summary),
                        summary_through_seq = coalesce($8, summary_through_seq),
                        updated_at = $9
                    WHERE id = $1;
                    """))
                {
                    Add(command, conversationId, NpgsqlDbType.Text);
                    Add(command, update.Title, NpgsqlDbType.Text);
                    Add(command, update.Provider, NpgsqlDbType.Text);
                    Add(command, update.Model, NpgsqlDbType.Text);
                    Add(command, update.SystemPrompt, NpgsqlDbType.Text);
                    Add(command, update.ContextPolicy, NpgsqlDbType.Text);
                    Add(command, update.Summary, NpgsqlDbType.Text);
                    Add(command, update.SummaryThroughSequence, NpgsqlDbType.Bigint);
                    Add(command, now(), NpgsqlDbType.TimestampTz);
                    if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        throw new ConversationNotFoundException(conversationId);
                    }
                }

                return (await PostgresRows.ReadConversationAsync(c, t, conversationId, cancellationToken).ConfigureAwait(false))!;
            },
            cancellationToken);

    public Task<IReadOnlyList<StoredMessage>> AppendAsync(string conversationId, List<ChatMessage> messages, CancellationToken cancellationToken) =>
        database.TransactAsync<IReadOnlyList<StoredMessage>>(
            async (c, t) =>
            {
                await PostgresRows.LockConversationAsync(c, t, conversationId, cancellationToken).ConfigureAwait(false);
                return await InsertMessagesAsync(c, t, conversationId, messages, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    public Task<ConversationRecord> ImportAsync(NewConversation conversation, List<ChatMessage> messages, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                var created = await InsertConversationAsync(c, t, conversation, cancellationToken).ConfigureAwait(false);
                await InsertMessagesAsync(c, t, created.Id, messages, cancellationToken).ConfigureAwait(false);
                return (await PostgresRows.ReadConversationAsync(c, t, created.Id, cancellationToken).ConfigureAwait(false))!;
            },
            cancellationToken);

    public Task<string?> FindByClientIdAsync(string? keyName, string clientId, CancellationToken cancellationToken) =>
        database.RunAsync(c => FindIdByClientIdAsync(c, null, keyName, clientId, cancellationToken), cancellationToken);

    /// <summary>Removes the messages after the first <paramref name="keep"/>; the turns stay and let go of them, a summary over them is cleared.</summary>
    public Task<int> TruncateAsync(string conversationId, int keep, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                await PostgresRows.LockConversationAsync(c, t, conversationId, cancellationToken).ConfigureAwait(false);
                long last = 0;
                if (keep > 0)
                {
                    await using var find = Command(c, t, "SELECT seq FROM messages WHERE conversation_id = $1 ORDER BY seq LIMIT 1 OFFSET $2;");
                    Add(find, conversationId, NpgsqlDbType.Text);
                    Add(find, (long)keep - 1, NpgsqlDbType.Bigint);
                    if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long seq)
                    {
                        return 0; // no more messages than kept
                    }

                    last = seq;
                }

                int removed;
                await using (var delete = Command(c, t, "DELETE FROM messages WHERE conversation_id = $1 AND seq > $2;"))
                {
                    Add(delete, conversationId, NpgsqlDbType.Text);
                    Add(delete, last, NpgsqlDbType.Bigint);
                    removed = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (removed > 0)
                {
                    var at = now();
                    await using (var detach = Command(c, t, """
                        UPDATE turns SET
                            user_seq = CASE WHEN user_seq > $2 THEN NULL ELSE user_seq END,
                            assistant_seq = CASE WHEN assistant_seq > $2 THEN NULL ELSE assistant_seq END,
                            updated_at = $3
                        WHERE conversation_id = $1 AND (user_seq > $2 OR assistant_seq > $2);
                        """))
                    {
                        Add(detach, conversationId, NpgsqlDbType.Text);
                        Add(detach, last, NpgsqlDbType.Bigint);
                        Add(detach, at, NpgsqlDbType.TimestampTz);
                        await detach.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using (var summary = Command(c, t, "UPDATE conversations SET summary = NULL, summary_through_seq = NULL WHERE id = $1 AND summary_through_seq > $2;"))
                    {
                        Add(summary, conversationId, NpgsqlDbType.Text);
                        Add(summary, last, NpgsqlDbType.Bigint);
                        await summary.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await PostgresRows.TouchConversationAsync(c, t, conversationId, at, cancellationToken).ConfigureAwait(false);
                }

                return removed;
            },
            cancellationToken);

    private static async Task<ConversationRecord?> FindByClientIdAsync(NpgsqlConnection c, NpgsqlTransaction t, NewConversation conversation, CancellationToken cancellationToken) =>
        await FindIdByClientIdAsync(c, t, conversation.KeyName, conversation.ClientId!, cancellationToken).ConfigureAwait(false) is { } id
            ? await PostgresRows.ReadConversationAsync(c, t, id, cancellationToken).ConfigureAwait(false)
            : null;

    private static async Task<string?> FindIdByClientIdAsync(NpgsqlConnection c, NpgsqlTransaction? t, string? keyName, string clientId, CancellationToken cancellationToken)
    {
        await using var command = Command(c, t, "SELECT id FROM conversations WHERE client_id = $1 AND coalesce(key_name, '') = coalesce($2, '');");
        Add(command, clientId, NpgsqlDbType.Text);
        Add(command, keyName, NpgsqlDbType.Text);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private async Task<ConversationRecord> InsertConversationAsync(NpgsqlConnection c, NpgsqlTransaction t, NewConversation conversation, CancellationToken cancellationToken)
    {
        if (conversation.ClientId is not null && await FindByClientIdAsync(c, t, conversation, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        string id = StorageText.NewId();
        var created = now();
        // Two replicas may race to create the client's conversation: the unique index decides, the loser reads the winner's row.
        await using var command = Command(c, t, """
            INSERT INTO conversations (id, title, provider, model, system_prompt, context_policy, key_name, created_at, updated_at, client_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
            ON CONFLICT DO NOTHING;
            """);
        Add(command, id, NpgsqlDbType.Text);
        Add(command, conversation.Title, NpgsqlDbType.Text);
        Add(command, conversation.Provider, NpgsqlDbType.Text);
        Add(command, conversation.Model, NpgsqlDbType.Text);
        Add(command, conversation.SystemPrompt, NpgsqlDbType.Text);
        Add(command, conversation.ContextPolicy, NpgsqlDbType.Text);
        Add(command, conversation.KeyName, NpgsqlDbType.Text);
        Add(command, created, NpgsqlDbType.TimestampTz);
        Add(command, conversation.ClientId, NpgsqlDbType.Text);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return (await FindByClientIdAsync(c, t, conversation, cancellationToken).ConfigureAwait(false))!;
        }

        return new ConversationRecord
        {
            Id = id,
            Title = conversation.Title,
            Provider = conversation.Provider,
            Model = conversation.Model,
            SystemPrompt = conversation.SystemPrompt,
            ContextPolicy = conversation.ContextPolicy,
            KeyName = conversation.KeyName,
            CreatedAt = created,
            UpdatedAt = created,
        };
    }

    private async Task<List<StoredMessage>> InsertMessagesAsync(NpgsqlConnection c, NpgsqlTransaction t, string conversationId, List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var at = now();
        var stored = new List<StoredMessage>(messages.Count);
        foreach (var message in messages)
        {
            long seq = await PostgresRows.InsertMessageAsync(c, t, conversationId, message, null, at, cancellationToken).ConfigureAwait(false);
            stored.Add(new StoredMessage
            {
                ConversationId = conversationId,
                Sequence = seq,
                Message = StorageText.StoredCopy(message, at),
                TokenCounts = new Dictionary<string, int>(StringComparer.Ordinal),
                CreatedAt = at,
            });
        }

        await PostgresRows.TouchConversationAsync(c, t, conversationId, at, cancellationToken).ConfigureAwait(false);
        return stored;
    }
}
