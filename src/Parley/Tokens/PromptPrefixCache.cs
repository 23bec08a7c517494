using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Running totals over the last prompt measured, so that measuring the next one costs only its new messages. A
/// conversation's prompts grow by appending: each turn re-sends the same message objects plus a question, so the
/// totals of the longest common prefix (compared by reference) are reused and only the rest is measured.
/// Thread-safe; one entry per key (the last prompt). A message edited in place after it was measured keeps its
/// old value while it stays in the prefix: sessions never edit a message they have sent.
/// </summary>
/// <remarks>A prompt that shares nothing with the last one is measured in full and replaces it, so two callers
/// alternating between unrelated prompts pay what they would without the cache.</remarks>
internal sealed class PromptPrefixCache<TKey>
    where TKey : notnull
{
    private const int MaxKeys = 16;

    private readonly object gate = new();
    private readonly Dictionary<TKey, Entry> entries;

    /// <summary>Creates the cache; <paramref name="comparer"/> decides which prompts share totals.</summary>
    public PromptPrefixCache(IEqualityComparer<TKey>? comparer = null) => entries = new Dictionary<TKey, Entry>(comparer);

    /// <summary>
    /// The sum of <paramref name="measure"/> over <paramref name="messages"/>, and whether any message was flagged.
    /// </summary>
    /// <param name="key">What the measure depends on besides the messages (encoding, model).</param>
    /// <param name="messages">The prompt, oldest first.</param>
    /// <param name="measure">One message's value and flag; called only for messages past the reused prefix.</param>
    public (long Total, bool AnyFlagged) Sum(TKey key, IEnumerable<ChatMessage> messages, Func<ChatMessage, (long Value, bool Flagged)> measure)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        if (list.Count == 0)
        {
            return (0, false); // nothing to measure: the last prompt's totals stay for the next one (a policy's overhead count)
        }

        Entry? entry;
        lock (gate)
        {
            if (!entries.TryGetValue(key, out entry))
            {
                if (entries.Count >= MaxKeys)
                {
                    entries.Clear(); // many models in one process: start over rather than keep every prompt alive
                }

                entries[key] = entry = new Entry();
            }
        }

        // Callers measuring prompts for the same key take turns; different keys do not wait for each other.
        lock (entry)
        {
            entry.Truncate(entry.CommonPrefix(list));
            for (var i = entry.Count; i < list.Count; i++)
            {
                var (value, flagged) = measure(list[i]);
                entry.Append(list[i], value, flagged);
            }

            return (entry.Total, entry.AnyFlagged);
        }
    }

    private sealed class Entry
    {
        private ChatMessage[] messages = [];
        private long[] totals = []; // totals[i]: the sum over messages 0..i
        private bool[] flagged = []; // flagged[i]: whether any of messages 0..i was flagged

        public int Count { get; private set; }

        public long Total => Count == 0 ? 0 : totals[Count - 1];

        public bool AnyFlagged => Count != 0 && flagged[Count - 1];

        public int CommonPrefix(IReadOnlyList<ChatMessage> list)
        {
            var n = Math.Min(Count, list.Count);
            if (list is List<ChatMessage> concrete)
            {
                // The common case (a session's prompt): one pass over two arrays of references.
                var span = CollectionsMarshal.AsSpan(concrete)[..n];
                var mine = messages.AsSpan(0, n);
                var i = 0;
                while (i < n && ReferenceEquals(mine[i], span[i]))
                {
                    i++;
                }

                return i;
            }

            var j = 0;
            while (j < n && ReferenceEquals(messages[j], list[j]))
            {
                j++;
            }

            return j;
        }

        public void Truncate(int length)
        {
            Array.Clear(messages, length, Count - length); // keep no message alive that left the prompt
            Count = length;
        }

        public void Append(ChatMessage message, long value, bool isFlagged)
        {
            if (Count == messages.Length)
            {
                var capacity = Math.Max(16, Count * 2);
                Array.Resize(ref messages, capacity);
                Array.Resize(ref totals, capacity);
                Array.Resize(ref flagged, capacity);
            }

            var total = Total + value;
            var any = AnyFlagged || isFlagged;
            messages[Count] = message;
            totals[Count] = total;
            flagged[Count] = any;
            Count++;
        }
    }
}
