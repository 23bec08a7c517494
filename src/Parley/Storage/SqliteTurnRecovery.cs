using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using static Parley.SqliteSql;

namespace Parley;

/// <summary>
/// Turns that outlived their save: pending turns left by processes that have ended (marked interrupted at open),
/// finished turns saved to a recovery file while the database stayed locked, and their import at the next open.
/// </summary>
internal sealed class SqliteTurnRecovery(StoreClock clock)
{
    /// <summary>The error of a pending turn whose process ended before the answer was saved.</summary>
    public const string InterruptedByExit = "The process that wrote this turn ended before the answer was saved.";

    /// <summary>Saves a finished turn to its recovery file beside the database and returns it as the store would have.</summary>
    public async Task<TurnRecord> SaveToFileAsync(string databasePath, TurnRecord turn, IReadOnlyList<ChatMessage> messages, TurnOutcome outcome)
    {
        var file = await RecoveryFile.WriteAsync(databasePath, new RecoveredTurn
        {
            TurnId = turn.Id,
            ConversationId = turn.ConversationId,
            UserSequence = turn.UserSequence ?? 0,
            Messages = messages,
            Outcome = outcome,
        }, CancellationToken.None).ConfigureAwait(false);
        return new TurnRecord
        {
            Id = turn.Id,
            ConversationId = turn.ConversationId,
            Status = outcome.Status,
            UserSequence = turn.UserSequence,
            Model = outcome.Model,
            Usage = outcome.Usage ?? new UsageDetails(),
            CostUsd = outcome.CostUsd,
            Latency = outcome.Latency,
            TimeToFirstToken = outcome.TimeToFirstToken,
            FinishReason = outcome.FinishReason,
            Error = outcome.Error,
            MessagesDropped = outcome.MessagesDropped,
            MessagesSummarized = outcome.MessagesSummarized,
            CreatedAt = turn.CreatedAt,
            UpdatedAt = clock.Now(),
            RecoveryFile = file,
        };
    }

    /// <summary>
    /// Imports the turns other processes left in recovery files while the database was locked; a file is deleted once
    /// its turns are in the database. A file that cannot be read is left where it is, for a person to look at.
    /// </summary>
    public async Task<int> ImportFilesAsync(SqliteConnection c, string databasePath, SqliteTurnWriter writer, CancellationToken cancellationToken)
    {
        var imported = 0;
        foreach (var file in RecoveryFile.Find(databasePath))
        {
            IReadOnlyList<RecoveredTurn> turns;
            try
            {
                turns = await RecoveryFile.ReadAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException or OverflowException)
            {
                continue;
            }

            try
            {
                foreach (var turn in turns)
                {
                    if (await writer.CompleteInTransactionAsync(c, turn.TurnId, turn.ConversationId, turn.Messages, null, turn.Outcome, importing: true, cancellationToken).ConfigureAwait(false) is not null)
                    {
                        imported++;
                    }
                }
            }
            catch (SqliteException e) when (SqliteDatabaseFile.IsLocked(e))
            {
                break; // still locked by another process: the files wait for the next open (a turn imported already is skipped then)
            }

            File.Delete(file);
        }

        return imported;
    }

    /// <summary>Marks pending turns whose writing process has ended as interrupted; returns how many.</summary>
    public async Task<int> MarkStaleTurnsInterruptedAsync(SqliteConnection c, CancellationToken cancellationToken)
    {
        var now = clock.Now();
        var stale = new List<string>();
        using (var command = Command(c, null, "SELECT id, writer_pid, writer_started_at, writer_host, updated_at FROM turns WHERE status = 'pending';"))
        {
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                bool alive = WriterIdentity.IsAlive(
                    NullableInt64(reader, 1),
                    NullableInt64(reader, 2),
                    NullableString(reader, 3),
                    StorageText.ParseTime(reader.GetString(4)),
                    now);
                if (!alive)
                {
                    stale.Add(reader.GetString(0));
                }
            }
        }

        if (stale.Count == 0)
        {
            return 0;
        }

        int flipped = 0;
        using var transaction = c.BeginTransaction(deferred: false);
        foreach (string id in stale)
        {
            using var update = Command(c, transaction, "UPDATE turns SET status = 'interrupted', error = coalesce(error, $error), updated_at = $now WHERE id = $id AND status = 'pending';");
            Add(update, "$id", id);
            Add(update, "$error", InterruptedByExit);
            Add(update, "$now", StorageText.FormatTime(now));
            flipped += await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        transaction.Commit();
        return flipped;
    }
}
