namespace Parley.Benchmarks;

/// <summary>
/// What a streaming peer prints (one JSON line): the content chunks it saw, their characters, the seconds from
/// the first content chunk to the end of the stream, and the bytes its process allocated meanwhile (.NET only).
/// </summary>
internal sealed record StreamPeerResult(long Chunks, long Chars, double Seconds, long? Allocated);
