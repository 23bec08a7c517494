using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using static Parley.SqliteSql;

namespace Parley;

/// <summary>How conversations and turns map to rows: the columns read, the records built from them, the outcome written.</summary>
internal static class SqliteRows
{
    public const string ConversationColumns = StoredRowReader.ConversationColumns;

    public const string TurnColumns = StoredRowReader.TurnColumns;

    // SQLite keeps times as ISO text and costs as REAL.
    public static readonly StoredRowReader Rows = new((r, i) => StorageText.ParseTime(r.GetString(i)), (r, i) => ToDecimal(r.GetDouble(i)));

    public static async Task<ConversationRecord?> ReadConversationAsync(SqliteConnection c, SqliteTransaction? transaction, string conversationId, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, $"SELECT {ConversationColumns} FROM conversations WHERE id = $id;");
        Add(command, "$id", conversationId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadConversation(reader) : null;
    }

    public static async Task<TurnRecord> ReadTurnAsync(SqliteConnection c, SqliteTransaction transaction, string turnId, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, $"SELECT {TurnColumns} FROM turns WHERE id = $id;");
        Add(command, "$id", turnId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Turn {turnId} vanished while it was written.");
        }

        return ReadTurn(reader);
    }

    public static ConversationRecord ReadConversation(SqliteDataReader reader) => Rows.Conversation(reader);

    public static TurnRecord ReadTurn(SqliteDataReader reader) => Rows.Turn(reader);

    /// <summary>Adds the outcome's parameters ($status, $model, usage, cost, timings, finish reason, error, context counts).</summary>
    public static void AddOutcome(SqliteCommand command, TurnOutcome outcome)
    {
        var usage = outcome.Usage;
        Add(command, "$status", StorageText.FormatStatus(outcome.Status));
        Add(command, "$model", outcome.Model);
        Add(command, "$input", usage?.InputTokenCount);
        Add(command, "$output", usage?.OutputTokenCount);
        Add(command, "$cached", usage?.CachedInputTokenCount);
        Add(command, "$reasoning", usage?.ReasoningTokenCount);
        Add(command, "$total", StorageText.TotalTokens(usage));
        Add(command, "$cost", outcome.CostUsd is { } cost ? (double)cost : null);
        Add(command, "$latency", outcome.Latency is { } latency ? (long)Math.Round(latency.TotalMilliseconds) : null);
        Add(command, "$ttft", outcome.TimeToFirstToken is { } ttft ? (long)Math.Round(ttft.TotalMilliseconds) : null);
        Add(command, "$finish_reason", outcome.FinishReason?.Value);
        Add(command, "$error", outcome.Error);
        Add(command, "$context_dropped", outcome.MessagesDropped);
        Add(command, "$context_summarized", outcome.MessagesSummarized);
    }
}
