using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using static Parley.SqliteSql;

namespace Parley;

/// <summary>Writes conversations and their messages outside of turns: create, update, append, import; and the message insert turns use.</summary>
internal sealed class SqliteConversationWriter(SqliteStoreConnection database, StoreClock clock)
{
    public Task<ConversationRecord> CreateAsync(NewConversation conversation, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            var record = await InsertConversationAsync(c, transaction, conversation, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record;
        }, cancellationToken);

    public Task<ConversationRecord> UpdateAsync(string conversationId, ConversationUpdate update, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            using (var command = Command(c, transaction, """
                UPDATE conversations SET
                    title = coalesce($title, title),
                    provider = coalesce($provider, provider),
                    model = coalesce($model, model),
                    system_prompt = coalesce($system_prompt, system_prompt),
                    context_policy = coalesce($context_policy, context_policy),
                    summary = coalesce($summary, summary),
                    summary_through_seq = coalesce($summary_through_seq, summary_through_seq),
                    updated_at = $now
                WHERE id = $id;
                """))
            {
                Add(command, "$id", conversationId);
                Add(command, "$title", update.Title);
                Add(command, "$provider", update.Provider);
                Add(command, "$model", update.Model);
                Add(command, "$system_prompt", update.SystemPrompt);
                Add(command, "$context_policy", update.ContextPolicy);
                Add(command, "$summary", update.Summary);
                Add(command, "$summary_through_seq", update.SummaryThroughSequence);
                Add(command, "$now", clock.NowText());
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new ConversationNotFoundException(conversationId);
                }
            }

            var record = await SqliteRows.ReadConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record!;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredMessage>> AppendAsync(string conversationId, List<ChatMessage> messages, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<StoredMessage>>(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            await RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            var stored = await InsertMessagesAsync(c, transaction, conversationId, messages, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return stored;
        }, cancellationToken);

    public Task<ConversationRecord> ImportAsync(NewConversation conversation, List<ChatMessage> messages, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            var created = await InsertConversationAsync(c, transaction, conversation, cancellationToken).ConfigureAwait(false);
            await InsertMessagesAsync(c, transaction, created.Id, messages, cancellationToken).ConfigureAwait(false);
            var record = await SqliteRows.ReadConversationAsync(c, transaction, created.Id, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record!;
        }, cancellationToken);

    /// <summary>Inserts a message with the next sequence number (the caller holds the write lock) and titles an untitled conversation.</summary>
    public static async Task<long> InsertMessageAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, ChatMessage message, IReadOnlyDictionary<string, int>? tokenCounts, string now, CancellationToken cancellationToken)
    {
        long seq;
        // parts (schema version 8) is written only for a message that has more than text, so older schemas stay writable.
        string? parts = MessageParts.ToJson(message);
        string partsColumn = parts is null ? string.Empty : ", parts";
        string partsValue = parts is null ? string.Empty : ", $parts";
        using (var command = Command(c, transaction, $"""
            INSERT INTO messages (conversation_id, seq, role, content, token_counts, created_at{partsColumn})
            VALUES ($conversation_id, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = $conversation_id),
                    $role, $content, $token_counts, $now{partsValue})
            RETURNING seq;
            """))
        {
            Add(command, "$conversation_id", conversationId);
            Add(command, "$parts", parts);
            Add(command, "$role", message.Role.Value);
            Add(command, "$content", message.Text);
            Add(command, "$token_counts", StorageText.TokenCountsToJson(tokenCounts));
            Add(command, "$now", now);
            seq = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        if (message.Role == ChatRole.User && StorageText.MakeTitle(message.Text) is { } title)
        {
            using var command = Command(c, transaction, "UPDATE conversations SET title = $title WHERE id = $id AND title IS NULL;");
            Add(command, "$id", conversationId);
            Add(command, "$title", title);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return seq;
    }

    public static async Task TouchConversationAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, string now, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, "UPDATE conversations SET updated_at = $now WHERE id = $id;");
        Add(command, "$id", conversationId);
        Add(command, "$now", now);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The conversation the client named, of the same key; the writing transaction is exclusive, so no other writer can create it in between.</summary>
    private static async Task<ConversationRecord?> FindByClientIdAsync(SqliteConnection c, SqliteTransaction transaction, NewConversation conversation, CancellationToken cancellationToken) =>
        await FindIdByClientIdAsync(c, transaction, conversation.KeyName, conversation.ClientId!, cancellationToken).ConfigureAwait(false) is { } id
            ? await SqliteRows.ReadConversationAsync(c, transaction, id, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>The id of the conversation the key's client named <paramref name="clientId"/>, or null.</summary>
    public static async Task<string?> FindIdByClientIdAsync(SqliteConnection c, SqliteTransaction? transaction, string? keyName, string clientId, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, "SELECT id FROM conversations WHERE client_id = $client_id AND coalesce(key_name, '') = coalesce($key_name, '');");
        Add(command, "$client_id", clientId);
        Add(command, "$key_name", keyName);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public Task<string?> FindByClientIdAsync(string? keyName, string clientId, CancellationToken cancellationToken) =>
        database.RunAsync(c => FindIdByClientIdAsync(c, null, keyName, clientId, cancellationToken), cancellationToken);

    /// <summary>Removes the messages after the first <paramref name="keep"/>; the turns stay and let go of them, a summary over them is cleared.</summary>
    public Task<int> TruncateAsync(string conversationId, int keep, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            await RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            long last = 0;
            if (keep > 0)
            {
                using var find = Command(c, transaction, "SELECT seq FROM messages WHERE conversation_id = $id ORDER BY seq LIMIT 1 OFFSET $skip;");
                Add(find, "$id", conversationId);
                Add(find, "$skip", keep - 1);
                if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not { } seq)
                {
                    return 0; // no more messages than kept
                }

                last = Convert.ToInt64(seq, CultureInfo.InvariantCulture);
            }

            int removed;
            using (var delete = Command(c, transaction, "DELETE FROM messages WHERE conversation_id = $id AND seq > $last;"))
            {
                Add(delete, "$id", conversationId);
                Add(delete, "$last", last);
                removed = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (removed > 0)
            {
                string now = clock.NowText();
                using var detach = Command(c, transaction, """
                    UPDATE turns SET
                        user_seq = CASE WHEN user_seq > $last THEN NULL ELSE user_seq END,
                        assistant_seq = CASE WHEN assistant_seq > $last THEN NULL ELSE assistant_seq END,
                        updated_at = $now
                    WHERE conversation_id = $id AND (user_seq > $last OR assistant_seq > $last);
                    UPDATE conversations SET summary = NULL, summary_through_seq = NULL WHERE id = $id AND summary_through_seq > $last;
                    """);
                Add(detach, "$id", conversationId);
                Add(detach, "$last", last);
                Add(detach, "$now", now);
                await detach.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await TouchConversationAsync(c, transaction, conversationId, now, cancellationToken).ConfigureAwait(false);
            }

            transaction.Commit();
            return removed;
        }, cancellationToken);

    public static async Task RequireConversationAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, "SELECT 1 FROM conversations WHERE id = $id;");
        Add(command, "$id", conversationId);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ConversationNotFoundException(conversationId);
        }
    }

    private async Task<ConversationRecord> InsertConversationAsync(SqliteConnection c, SqliteTransaction transaction, NewConversation conversation, CancellationToken cancellationToken)
    {
        if (conversation.ClientId is not null && await FindByClientIdAsync(c, transaction, conversation, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        string id = StorageText.NewId();
        var now = clock.Now();
        // key_name (schema version 5) and client_id (6) are written only for a gateway's conversation, so older schemas stay writable.
        string keyColumn = conversation.KeyName is null ? string.Empty : ", key_name";
        string keyValue = conversation.KeyName is null ? string.Empty : ", $key_name";
        string clientColumn = conversation.ClientId is null ? string.Empty : ", client_id";
        string clientValue = conversation.ClientId is null ? string.Empty : ", $client_id";
        using var command = Command(c, transaction, $"""
            INSERT INTO conversations (id, title, provider, model, system_prompt, context_policy, created_at, updated_at{keyColumn}{clientColumn})
            VALUES ($id, $title, $provider, $model, $system_prompt, $context_policy, $now, $now{keyValue}{clientValue});
            """);
        Add(command, "$client_id", conversation.ClientId);
        Add(command, "$id", id);
        Add(command, "$title", conversation.Title);
        Add(command, "$provider", conversation.Provider);
        Add(command, "$model", conversation.Model);
        Add(command, "$system_prompt", conversation.SystemPrompt);
        Add(command, "$context_policy", conversation.ContextPolicy);
        Add(command, "$key_name", conversation.KeyName);
        Add(command, "$now", StorageText.FormatTime(now));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new ConversationRecord
        {
            Id = id,
            Title = conversation.Title,
            Provider = conversation.Provider,
            Model = conversation.Model,
            SystemPrompt = conversation.SystemPrompt,
            ContextPolicy = conversation.ContextPolicy,
            KeyName = conversation.KeyName,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private async Task<List<StoredMessage>> InsertMessagesAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var now = clock.Now();
        string nowText = StorageText.FormatTime(now);
        var stored = new List<StoredMessage>(messages.Count);
        foreach (var message in messages)
        {
            long seq = await InsertMessageAsync(c, transaction, conversationId, message, null, nowText, cancellationToken).ConfigureAwait(false);
            stored.Add(new StoredMessage
            {
                ConversationId = conversationId,
                Sequence = seq,
                Message = StorageText.StoredCopy(message, now),
                TokenCounts = StorageText.CopyTokenCounts(null),
                CreatedAt = now,
            });
        }

        await TouchConversationAsync(c, transaction, conversationId, nowText, cancellationToken).ConfigureAwait(false);
        return stored;
    }
}
