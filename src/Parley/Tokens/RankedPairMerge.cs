namespace Parley;

/// <summary>
/// tiktoken's byte-pair merge of one pre-token piece in O(n log n): repeatedly merge the adjacent pair of parts whose
/// concatenation has the lowest rank, the leftmost on ties, until no adjacent pair is in the vocabulary. tiktoken
/// scans every pair for each merge (O(n²) on a long piece); here the pairs live in a binary min-heap keyed by
/// (rank, start), so the heap's minimum is exactly the pair tiktoken's scan picks, and a merge updates only the two
/// pairs it changes (the merged part with its right neighbour, its left neighbour with it). Parts are a linked list
/// over byte positions. Not thread-safe: one instance per count; its buffers are reused across pieces.
/// </summary>
internal sealed class RankedPairMerge
{
    private readonly TokenRanks ranks;
    private byte[] bytes = [];
    private int length;
    private int[] next = [];     // next[i]: where the part starting at byte i ends (the next part's start)
    private int[] previous = []; // previous[i]: the start of the part before the part starting at i, or -1
    private int[] heapIndex = []; // heapIndex[i]: where the pair of the part starting at i is in the heap, or -1
    private long[] heap = [];    // (rank << 32) | start: the minimum is the lowest rank, then the leftmost start
    private int heapCount;

    /// <summary>Creates a merge over a vocabulary.</summary>
    /// <param name="ranks">The vocabulary: token bytes to rank (the token id).</param>
    public RankedPairMerge(TokenRanks ranks) => this.ranks = ranks;

    /// <summary>Merges <paramref name="piece"/>[0..<paramref name="count"/>) and returns its token count.</summary>
    /// <param name="piece">The piece's UTF-8 bytes (not changed).</param>
    /// <param name="count">How many bytes of <paramref name="piece"/> are the piece.</param>
    /// <param name="ids">Where to append the token ids, or null to count only.</param>
    /// <returns>The number of tokens.</returns>
    public int Merge(byte[] piece, int count, List<int>? ids)
    {
        if (count == 0)
        {
            return 0;
        }

        bytes = piece;
        length = count;
        if (Rank(0, count) is var whole and >= 0)
        {
            ids?.Add(whole);
            return 1;
        }

        Reserve(count);
        heapCount = 0;
        for (int i = 0; i < count; i++)
        {
            next[i] = i + 1;
            previous[i] = i - 1;
            heapIndex[i] = -1;
        }

        for (int i = 0; i + 1 < count; i++)
        {
            int rank = Rank(i, i + 2);
            if (rank >= 0)
            {
                heapIndex[i] = heapCount;
                heap[heapCount++] = Key(rank, i);
            }
        }

        for (int i = (heapCount / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }

        int parts = count;
        while (heapCount > 0)
        {
            int start = (int)(heap[0] & uint.MaxValue);
            int middle = next[start];
            int end = next[middle];
            if (heapIndex[middle] >= 0)
            {
                Remove(middle);
            }

            next[start] = end;
            if (end < count)
            {
                previous[end] = start;
            }

            parts--;
            Refresh(start);
            if (previous[start] >= 0)
            {
                Refresh(previous[start]);
            }
        }

        if (ids is not null)
        {
            for (int i = 0; i < count; i = next[i])
            {
                ids.Add(Rank(i, next[i]));
            }
        }

        bytes = [];
        return parts;
    }

    private static long Key(int rank, int start) => ((long)rank << 32) | (uint)start;

    private static int Start(long key) => (int)(key & uint.MaxValue);

    private int Rank(int start, int end) => ranks.Rank(bytes.AsSpan(start, end - start));

    private void Reserve(int count)
    {
        if (next.Length < count)
        {
            int size = Math.Max(count, Math.Min(next.Length * 2, Array.MaxLength));
            next = new int[size];
            previous = new int[size];
            heapIndex = new int[size];
            heap = new long[size];
        }
    }

    // The pair of the part starting at `start` changed (its right neighbour grew, or it did): re-rank it in the heap.
    private void Refresh(int start)
    {
        int middle = next[start];
        int rank = middle < length ? Rank(start, next[middle]) : -1;
        int at = heapIndex[start];
        if (rank < 0)
        {
            if (at >= 0)
            {
                Remove(start);
            }

            return;
        }

        long key = Key(rank, start);
        if (at < 0)
        {
            at = heapCount++;
            heap[at] = key;
            heapIndex[start] = at;
            SiftUp(at);
        }
        else
        {
            long old = heap[at];
            heap[at] = key;
            if (key < old)
            {
                SiftUp(at);
            }
            else
            {
                SiftDown(at);
            }
        }
    }

    private void Remove(int start)
    {
        int at = heapIndex[start];
        heapIndex[start] = -1;
        long last = heap[--heapCount];
        if (at == heapCount)
        {
            return;
        }

        heap[at] = last;
        heapIndex[Start(last)] = at;
        SiftUp(at);
        SiftDown(heapIndex[Start(last)]);
    }

    private void SiftUp(int at)
    {
        long key = heap[at];
        while (at > 0)
        {
            int parent = (at - 1) >> 1;
            if (heap[parent] <= key)
            {
                break;
            }

            Place(at, heap[parent]);
            at = parent;
        }

        Place(at, key);
    }

    private void SiftDown(int at)
    {
        long key = heap[at];
        while (true)
        {
            int child = (2 * at) + 1;
            if (child >= heapCount)
            {
                break;
            }

            if (child + 1 < heapCount && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (heap[child] >= key)
            {
                break;
            }

            Place(at, heap[child]);
            at = child;
        }

        Place(at, key);
    }

    private void Place(int at, long key)
    {
        heap[at] = key;
        heapIndex[Start(key)] = at;
    }
}
