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

    private static async Task<ConversationRecord?> FindByClientIdAsync(NpgsqlConnection c, NpgsqlTransaction t, NewConversation conversation, CancellationToken cancellationToken)
    {
        string? id;
        await using (var command = Command(c, t, "SELECT id FROM conversations WHERE client_id = $1 AND coalesce(key_name, '') = coalesce($2, '');"))
        {
            Add(command, conversation.ClientId, NpgsqlDbType.Text);
            Add(command, conversation.KeyName, NpgsqlDbType.Text);
            id = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        return id is null ? null : await PostgresRows.ReadConversationAsync(c, t, id, cancellationToken).ConfigureAwait(false);
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
                Message = new ChatMessage(message.Role, message.Text) { CreatedAt = at },
                TokenCounts = new Dictionary<string, int>(StringComparer.Ordinal),
                CreatedAt = at,
            });
        }

        await PostgresRows.TouchConversationAsync(c, t, conversationId, at, cancellationToken).ConfigureAwait(false);
        return stored;
    }
}
