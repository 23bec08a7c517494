using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>A thread-safe record of every call's tokens and dollar cost, filled by <see cref="UsageTrackingChatClient"/>.</summary>
public sealed class UsageLedger
{
    private readonly object _gate = new();
    private readonly List<UsageEntry> _entries = [];

    /// <summary>Every call recorded so far, oldest first.</summary>
    public IReadOnlyList<UsageEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Prompt tokens over all calls.</summary>
    public long InputTokens => Sum(e => e.Usage?.InputTokenCount ?? 0);

    /// <summary>Completion tokens over all calls.</summary>
    public long OutputTokens => Sum(e => e.Usage?.OutputTokenCount ?? 0);

    /// <summary>Dollar cost of the calls whose price is known.</summary>
    public decimal CostUsd
    {
        get
        {
            lock (_gate)
            {
                return _entries.Sum(e => e.CostUsd ?? 0m);
            }
        }
    }

    /// <summary>True when some call's price was unknown (then <see cref="CostUsd"/> is a lower bound).</summary>
    public bool HasUnknownCost
    {
        get
        {
            lock (_gate)
            {
                return _entries.Any(e => e.CostUsd is null);
            }
        }
    }

    /// <summary>Adds one call.</summary>
    public void Record(UsageEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    private long Sum(Func<UsageEntry, long> selector)
    {
        lock (_gate)
        {
            return _entries.Sum(selector);
        }
    }
}
