using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>A thread-safe record of every call's tokens and dollar cost, filled by <see cref="UsageTrackingChatClient"/>.</summary>
public sealed class UsageLedger
{
    private readonly object _gate = new();
    private readonly List<UsageEntry> _entries = [];
    private readonly ConversationUsage _totals = new();

    /// <summary>Every call recorded so far, oldest first.</summary>
    internal IReadOnlyList<UsageEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The totals over all calls so far (a copy: calls recorded later do not change it).</summary>
    public ConversationUsage Totals
    {
        get
        {
            lock (_gate)
            {
                return _totals.Snapshot();
            }
        }
    }

    /// <summary>Prompt tokens over all calls.</summary>
    public long InputTokens => Totals.InputTokens;

    /// <summary>Completion tokens over all calls.</summary>
    public long OutputTokens => Totals.OutputTokens;

    /// <summary>Dollar cost of the calls whose price is known.</summary>
    public decimal CostUsd => Totals.CostUsd;

    /// <summary>True when some call's price was unknown, its usage unreported included (then <see cref="CostUsd"/> is a lower bound).</summary>
    public bool HasUnknownCost => Totals.HasUnknownCost;

    /// <summary>Adds one call.</summary>
    internal void Record(UsageEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _entries.Add(entry);

            // A call that reported no usage has no known price either: it counts as unknown (no tokens added).
            _totals.Add(entry.Usage ?? (entry.CostUsd is null ? new UsageDetails() : null), entry.CostUsd);
        }
    }
}
