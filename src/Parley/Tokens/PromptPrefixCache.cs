using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Running totals over the last prompts measured, so that measuring the next one costs only its new messages. A
/// conversation's prompts grow by appending: each turn re-sends the same message objects plus a question, so the
/// totals of the longest common prefix (compared by reference) are reused and only the rest is measured.
/// Thread-safe; two entries per key (the last two prompts, so that a policy's cut prompt, counted after the whole
/// history it was cut from, does not cost the next turn that whole history again). A message edited in place after it
/// was measured keeps its old value while it stays in the prefix: sessions never edit a message they have sent.
/// </summary>
/// <remarks>A prompt is measured on the entry that shares the longest start with it (on a tie, the older entry, so the
/// newer one stays); a prompt that shares nothing with either is measured in full.</remarks>
internal sealed class PromptPrefixCache<TKey>
    where TKey : notnull
{
    private const int MaxKeys = 16;

    private readonly object gate = new();
    private readonly Dictionary<TKey, Slot> entries;

    /// <summary>Creates the cache; <paramref name="comparer"/> decides which prompts share totals.</summary>
    public PromptPrefixCache(IEqualityComparer<TKey>? comparer = null) => entries = new Dictionary<TKey, Slot>(comparer);

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

        Slot? slot;
        lock (gate)
        {
            if (!entries.TryGetValue(key, out slot))
            {
                if (entries.Count >= MaxKeys)
                {
                    entries.Clear(); // many models in one process: start over rather than keep every prompt alive
                }

                entries[key] = slot = new Slot();
            }
        }

        // Callers measuring prompts for the same key take turns; different keys do not wait for each other.
        lock (slot)
        {
            var recent = slot.Recent.CommonPrefix(list);
            var older = slot.Older.CommonPrefix(list);
            var entry = recent > older ? slot.Recent : slot.Older;
            if (ReferenceEquals(entry, slot.Older))
            {
                (slot.Recent, slot.Older) = (slot.Older, slot.Recent);
            }

            entry.Truncate(Math.Max(recent, older));
            for (var i = entry.Count; i < list.Count; i++)
            {
                var (value, flagged) = measure(list[i]);
                entry.Append(list[i], value, flagged);
            }

            return (entry.Total, entry.AnyFlagged);
        }
    }

    /// <summary>A key's two entries: the prompt measured last and the one before.</summary>
    private sealed class Slot
    {
        public Entry Recent { get; set; } = new();

        public Entry Older { get; set; } = new();
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
