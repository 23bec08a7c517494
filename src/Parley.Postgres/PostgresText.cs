using System.Globalization;
using Microsoft.Extensions.AI;

namespace Parley.Postgres;

/// <summary>
/// How the PostgreSQL store writes turn statuses, kinds, token totals and budget periods: the same values as the SQLite
/// store's (the text rules both share, ids, titles and snippets, are the core's <c>StorageText</c>, compiled in).
/// </summary>
internal static class PostgresText
{
    public static long? TotalTokens(UsageDetails? usage) =>
        usage is null ? null
        : usage.TotalTokenCount ?? (usage.InputTokenCount is null && usage.OutputTokenCount is null ? null : (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0));

    public static string FormatStatus(TurnStatus status) => status switch
    {
        TurnStatus.Pending => "pending",
        TurnStatus.Complete => "complete",
        TurnStatus.Interrupted => "interrupted",
        TurnStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown turn status."),
    };

    public static TurnStatus ParseStatus(string value) => value switch
    {
        "pending" => TurnStatus.Pending,
        "complete" => TurnStatus.Complete,
        "interrupted" => TurnStatus.Interrupted,
        "failed" => TurnStatus.Failed,
        _ => throw new InvalidDataException($"Unknown turn status '{value}' in the database."),
    };

    public static TurnKind ParseKind(string value) => value switch
    {
        "chat" => TurnKind.Chat,
        "summary" => TurnKind.Summary,
        _ => throw new InvalidDataException($"Unknown turn kind '{value}' in the database."),
    };

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Month(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
