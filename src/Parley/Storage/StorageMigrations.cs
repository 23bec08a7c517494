using Microsoft.Data.Sqlite;

namespace Parley;

/// <summary>
/// The numbered migrations that build Parley's SQLite schema, and the descriptions that document
/// it (kept next to the SQL so the README's schema section cannot drift). A migration is never
/// edited once released: a change is a new migration, written for both engines with the same number (SQLite here,
/// PostgreSQL in src/Parley.Postgres/PostgresMigrations.cs; a test fails when the two lists differ).
/// </summary>
internal static class StorageMigrations
{
    /// <summary>The marker in the database header (<c>PRAGMA application_id</c>): "PRLY".</summary>
    public const int ApplicationId = 0x50524C59;

    /// <summary>Gets every migration in order.</summary>
    public static IReadOnlyList<StorageMigration> All { get; } =
    [
        new(1, "conversations, messages and turns", """
            CREATE TABLE conversations (
                id                  TEXT NOT NULL PRIMARY KEY,
                title               TEXT,
                provider            TEXT,
                model               TEXT,
                system_prompt       TEXT,
                context_policy      TEXT,
                summary             TEXT,
                summary_through_seq INTEGER,
                created_at          TEXT NOT NULL,
                updated_at          TEXT NOT NULL
            );

            CREATE TABLE messages (
                id              INTEGER PRIMARY KEY,
                conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                seq             INTEGER NOT NULL,
                role            TEXT NOT NULL,
                content         TEXT NOT NULL,
                token_counts    TEXT,
                created_at      TEXT NOT NULL,
                UNIQUE (conversation_id, seq)
            );

            CREATE TABLE turns (
                id                  TEXT NOT NULL PRIMARY KEY,
                conversation_id     TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                kind                TEXT NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'summary')),
                status              TEXT NOT NULL CHECK (status IN ('pending', 'complete', 'interrupted', 'failed')),
                user_seq            INTEGER,
                assistant_seq       INTEGER,
                model               TEXT,
                input_tokens        INTEGER,
                output_tokens       INTEGER,
                cached_input_tokens INTEGER,
                reasoning_tokens    INTEGER,
                total_tokens        INTEGER,
                cost_usd            REAL,
                latency_ms          INTEGER,
                ttft_ms             INTEGER,
                finish_reason       TEXT,
                error               TEXT,
                writer_pid          INTEGER,
                writer_started_at   INTEGER,
                writer_host         TEXT,
                created_at          TEXT NOT NULL,
                updated_at          TEXT NOT NULL
            );

            CREATE INDEX turns_conversation ON turns (conversation_id);
            """,
        [
            new("schema_migrations", "The migrations applied to this database, one row each.", new Dictionary<string, string>
            {
                ["version"] = "Migration number.",
                ["name"] = "What the migration did.",
                ["applied_at"] = "When it was applied (ISO 8601 UTC).",
            }),
            new("conversations", "One row per conversation, with the settings it runs with; the only rows that are ever updated.", new Dictionary<string, string>
            {
                ["id"] = "UUID v7 as 32 lowercase hex characters; any unique prefix of 4+ characters works in commands.",
                ["title"] = "The first user message, shortened to about 60 characters (or a title given explicitly).",
                ["provider"] = "Provider name from the settings (for example `openai`, `ollama`).",
                ["model"] = "Model the conversation uses.",
                ["system_prompt"] = "System prompt.",
                ["context_policy"] = "Context policy description (for example `summarize(0.75)`).",
                ["summary"] = "Running summary of the older messages, written by the summarize policy.",
                ["summary_through_seq"] = "Sequence number of the last message the running summary covers.",
                ["created_at"] = "When the conversation was created (ISO 8601 UTC).",
                ["updated_at"] = "When a message, turn or setting last changed (ISO 8601 UTC).",
            }),
            new("messages", "Every message of every conversation, in sequence order: appended, never changed; removed only with its conversation or by an explicit truncate (the web chat's regenerate or edit).", new Dictionary<string, string>
            {
                ["id"] = "Row id (also the full-text index's row id).",
                ["conversation_id"] = "Conversation (`conversations.id`); deleting the conversation deletes its messages.",
                ["seq"] = "Position in the conversation from 1, allocated inside the writing transaction; unique per conversation.",
                ["role"] = "`system`, `user`, `assistant` or `tool`.",
                ["content"] = "Message text.",
                ["token_counts"] = "Token count per tokenizer encoding as JSON, for example `{\"o200k_base\": 12}`; counted once.",
                ["created_at"] = "When the message was stored (ISO 8601 UTC).",
            }),
            new("turns", "Every model call: a chat turn (question and answer) or a summary call, with usage, cost and timings.", new Dictionary<string, string>
            {
                ["id"] = "UUID v7 as 32 lowercase hex characters.",
                ["conversation_id"] = "Conversation (`conversations.id`); deleting the conversation deletes its turns.",
                ["kind"] = "`chat` for a question and its answer, `summary` for a call that updated the running summary.",
                ["status"] = "`pending` (question saved, answer not yet), `complete`, `interrupted` (cancelled, or its process died) or `failed`.",
                ["user_seq"] = "`messages.seq` of the question (chat turns); NULL once a truncate removed it (the turn and its cost stay).",
                ["assistant_seq"] = "`messages.seq` of the answer, when one was saved; NULL once a truncate removed it.",
                ["model"] = "Model that answered.",
                ["input_tokens"] = "Prompt (input) tokens reported by the provider.",
                ["output_tokens"] = "Completion (output) tokens reported by the provider.",
                ["cached_input_tokens"] = "Input tokens served from the provider's prompt cache.",
                ["reasoning_tokens"] = "Reasoning tokens (part of the output tokens).",
                ["total_tokens"] = "Total tokens (the provider's total, else input + output).",
                ["cost_usd"] = "Cost in US dollars; NULL when the model's price is unknown.",
                ["latency_ms"] = "Milliseconds from request to the end of the answer.",
                ["ttft_ms"] = "Milliseconds from request to the first streamed token.",
                ["finish_reason"] = "Why the model stopped (`stop`, `length`, `tool_calls`, `content_filter`).",
                ["error"] = "Error text of a failed or interrupted turn.",
                ["writer_pid"] = "Process id of the writer of a pending turn; a pending turn whose process is gone becomes `interrupted`.",
                ["writer_started_at"] = "Start time of that process (Unix milliseconds), so a reused process id is not mistaken for the writer.",
                ["writer_host"] = "Machine name of that process.",
                ["created_at"] = "When the turn began (ISO 8601 UTC).",
                ["updated_at"] = "When the turn last changed (ISO 8601 UTC).",
            }),
        ]),

        new(2, "full-text search over messages (FTS5, trigram)", """
            CREATE VIRTUAL TABLE messages_fts USING fts5 (
                content,
                content = 'messages',
                content_rowid = 'id',
                tokenize = 'trigram'
            );

            CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
            END;

            CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
            END;

            CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
                INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
                INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
            END;

            INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
            """,
        [
            new("messages_fts", "Full-text index of `messages.content` (FTS5, `trigram` tokenizer, so any language and substrings match); kept in sync by triggers.", new Dictionary<string, string>
            {
                ["content"] = "Indexed message text (read from `messages`; the row id is `messages.id`).",
            }),
        ]),

        new(3, "indexes for listing, usage and recovery", """
            CREATE INDEX conversations_updated ON conversations (updated_at);
            CREATE INDEX turns_created ON turns (created_at);
            CREATE INDEX turns_pending ON turns (status) WHERE status = 'pending';
            """,
        []),

        new(4, "what the context policy left out of each turn", """
            ALTER TABLE turns ADD COLUMN context_dropped INTEGER;
            ALTER TABLE turns ADD COLUMN context_summarized INTEGER;
            """,
        [
            new("turns", null, new Dictionary<string, string>
            {
                ["context_dropped"] = "Earlier messages the context policy did not send with this chat turn (0: none); NULL for summary calls and for turns saved before schema version 4.",
                ["context_summarized"] = "Earlier messages sent only as the running summary (0: none); NULL for summary calls and for turns saved before schema version 4.",
            }),
        ]),

        new(5, "virtual keys, their spend per UTC day and month, and the key of each conversation", """
            CREATE TABLE api_keys (
                id          INTEGER PRIMARY KEY,
                name        TEXT NOT NULL UNIQUE,
                key_sha256  TEXT NOT NULL UNIQUE,
                daily_usd   REAL,
                monthly_usd REAL,
                models      TEXT,
                rpm         INTEGER,
                tpm         INTEGER,
                created_at  TEXT NOT NULL,
                revoked_at  TEXT
            );

            CREATE TABLE api_key_spend (
                key_id       INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
                period       TEXT NOT NULL,
                reserved_usd REAL NOT NULL DEFAULT 0,
                settled_usd  REAL NOT NULL DEFAULT 0,
                PRIMARY KEY (key_id, period)
            );

            ALTER TABLE conversations ADD COLUMN key_name TEXT;
            CREATE INDEX conversations_key ON conversations (key_name) WHERE key_name IS NOT NULL;
            """,
        [
            new("api_keys", "Virtual keys of `parley serve` (`parley keys create`): never the key itself, only its hash, with the key's limits.", new Dictionary<string, string>
            {
                ["id"] = "Row id.",
                ["name"] = "The key's name, unique (also after it is revoked).",
                ["key_sha256"] = "SHA-256 of the key in lowercase hex (keys are 256-bit random, so no salt is needed); how a request's key is found.",
                ["daily_usd"] = "Budget per UTC day in US dollars; NULL: none.",
                ["monthly_usd"] = "Budget per UTC month in US dollars; NULL: none.",
                ["models"] = "Comma-separated models the key may use; NULL: all.",
                ["rpm"] = "Requests per minute; NULL: unlimited.",
                ["tpm"] = "Tokens (prompt and answer) per minute; NULL: unlimited.",
                ["created_at"] = "When the key was created (ISO 8601 UTC).",
                ["revoked_at"] = "When the key was revoked (ISO 8601 UTC); NULL while it is valid.",
            }),
            new("api_key_spend", "What each key spent per UTC day and per UTC month; a request reserves its worst-case cost here before it is sent (one transaction checks the budget and adds) and settles to the real cost after.", new Dictionary<string, string>
            {
                ["key_id"] = "Key (`api_keys.id`).",
                ["period"] = "A UTC day (`2026-12-02`) or a UTC month (`2026-12`); every amount counts in both.",
                ["reserved_usd"] = "Worst-case costs of requests still under way, in US dollars.",
                ["settled_usd"] = "Real costs of finished requests, in US dollars.",
            }),
            new("conversations", null, new Dictionary<string, string>
            {
                ["key_name"] = "Name of the virtual key (`api_keys.name`) whose requests made the conversation through `parley serve`; NULL otherwise.",
            }),
        ]),

        new(6, "conversations named by the client of parley serve, and each key's default context policy", """
            ALTER TABLE conversations ADD COLUMN client_id TEXT;
            CREATE UNIQUE INDEX conversations_client ON conversations (coalesce(key_name, ''), client_id) WHERE client_id IS NOT NULL;
            ALTER TABLE api_keys ADD COLUMN context_policy TEXT;
            """,
        [
            new("api_keys", null, new Dictionary<string, string>
            {
                ["context_policy"] = "The key's default context policy (`budget`, `last:N` or `summarize`) for requests without `X-Parley-Context`; NULL: a request that does not fit is refused.",
            }),
            new("conversations", null, new Dictionary<string, string>
            {
                ["client_id"] = "Id the client chose (`X-Parley-Conversation`), unique per key (`key_name`); NULL for other conversations.",
            }),
        ]),

        new(7, "the rate-limit window of each virtual key, shared by gateway replicas", """
            CREATE TABLE api_key_requests (
                id     INTEGER PRIMARY KEY,
                key_id INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
                at     TEXT NOT NULL,
                tokens INTEGER NOT NULL
            );

            CREATE INDEX api_key_requests_key_at ON api_key_requests (key_id, at);
            """,
        [
            new("api_key_requests", "The requests each key made in the last minute, for its rate limits: gateway replicas on one server database count them together (rows older than a minute are deleted; the SQLite gateway counts in memory).", new Dictionary<string, string>
            {
                ["id"] = "Row id.",
                ["key_id"] = "Key (`api_keys.id`).",
                ["at"] = "When the request was admitted (ISO 8601 UTC).",
                ["tokens"] = "The request's prompt tokens plus the most its answer may use, as tokens per minute count them.",
            }),
        ]),

        new(8, "the contents of a message beyond its text: tool calls, tool results, attachments", """
            ALTER TABLE messages ADD COLUMN parts TEXT;
            """,
        [
            new("messages", null, new Dictionary<string, string>
            {
                ["parts"] = "The message's contents as a JSON array in order (`text`, `function_call` with `call_id`, `name` and `arguments`, `function_result` with `call_id` and its `text`, `json` or `parts` and any `error`, `data` with `media_type`, `name` and base64 `data` up to 256 KiB, else only `sha256`, `size` and `path`, and `uri` with `uri` and `media_type`); NULL when the text in `content` is the whole message (every message saved before schema version 8). Reasoning is never saved.",
            }),
        ]),
    ];

    /// <summary>Gets the newest schema version this build knows.</summary>
    public static int LatestVersion => All[^1].Version;

    /// <summary>Reads the schema version recorded in the database (0 for a new database).</summary>
    public static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies the migrations up to <paramref name="targetVersion"/> that the database lacks, each in
    /// its own <c>BEGIN IMMEDIATE</c> transaction, re-checked inside the transaction so two processes
    /// opening a database at once apply each migration once.
    /// </summary>
    public static async Task MigrateAsync(SqliteConnection connection, int targetVersion, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (await ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false) >= targetVersion)
        {
            return;
        }

        foreach (var migration in All.Where(m => m.Version <= targetVersion))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER NOT NULL PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                );
                """, cancellationToken).ConfigureAwait(false);

            using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT count(*) FROM schema_migrations WHERE version = $version;";
                check.Parameters.AddWithValue("$version", migration.Version);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    // Applied already (by another process a moment ago, or user_version was reset): keep the version in step.
                    if (await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) < migration.Version)
                    {
                        await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {migration.Version};", cancellationToken).ConfigureAwait(false);
                    }

                    transaction.Commit();
                    continue;
                }
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $now);";
                record.Parameters.AddWithValue("$version", migration.Version);
                record.Parameters.AddWithValue("$name", migration.Name);
                record.Parameters.AddWithValue("$now", StorageText.FormatTime(timeProvider.GetUtcNow()));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Pragmas take no parameters; both values are integers from this file.
            await ExecuteAsync(
                connection,
                transaction,
                $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {migration.Version};",
                cancellationToken).ConfigureAwait(false);
            transaction.Commit();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
