using System.Buffers.Binary;

namespace Parley;

/// <summary>
/// Compares byte arrays by content, and looks them up by a <see cref="ReadOnlySpan{T}"/> of bytes without allocating
/// (<see cref="Dictionary{TKey, TValue}.GetAlternateLookup{TAlternateKey}"/>).
/// </summary>
internal sealed class ByteSequenceComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    /// <summary>The one instance.</summary>
    public static readonly ByteSequenceComparer Instance = new();

    private ByteSequenceComparer()
    {
    }

    /// <inheritdoc/>
    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    /// <inheritdoc/>
    public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

    /// <inheritdoc/>
    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    /// <inheritdoc/>
    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        // A multiply-xorshift over 8-byte words: tokens are short, and HashCode.AddBytes costs twice as much here.
        // Not randomized: the keys are a fixed vocabulary, and a lookup key longer than the longest token is never hashed.
        ulong hash = (ulong)alternate.Length * 0x9E3779B97F4A7C15UL;
        while (alternate.Length >= sizeof(ulong))
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(alternate)) * 0xBF58476D1CE4E5B9UL;
            hash ^= hash >> 31;
            alternate = alternate[sizeof(ulong)..];
        }

        ulong tail = 0;
        for (int i = 0; i < alternate.Length; i++)
        {
            tail |= (ulong)alternate[i] << (8 * i);
        }

        hash = (hash ^ tail) * 0x94D049BB133111EBUL;
        return (int)(hash ^ (hash >> 32));
    }

    /// <inheritdoc/>
    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
