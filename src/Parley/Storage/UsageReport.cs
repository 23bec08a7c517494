namespace Parley;

/// <summary>
/// Tokens and cost of all recorded calls, grouped by day, model and conversation: answered chat turns, unfinished
/// (failed or interrupted) chat turns and summary calls are counted apart; tokens and cost include them all.
/// </summary>
public sealed class UsageReport
{
    /// <summary>Gets the first local day included, or <see langword="null"/> for all time.</summary>
    public DateOnly? Since { get; init; }

    /// <summary>Gets the totals over every included turn (key <c>total</c>).</summary>
    public required UsageReportRow Total { get; init; }

    /// <summary>Gets the totals per local day, oldest first.</summary>
    public required IReadOnlyList<UsageReportRow> ByDay { get; init; }

    /// <summary>Gets the totals per model, most expensive first.</summary>
    public required IReadOnlyList<UsageReportRow> ByModel { get; init; }

    /// <summary>Gets the totals per conversation, most expensive first.</summary>
    public required IReadOnlyList<UsageReportRow> ByConversation { get; init; }

    /// <summary>Gets the totals per virtual key of <c>parley serve</c> (key: the key's name), most expensive first; empty when no conversation came through a key.</summary>
    public IReadOnlyList<UsageReportRow> ByKey { get; init; } = [];
}
