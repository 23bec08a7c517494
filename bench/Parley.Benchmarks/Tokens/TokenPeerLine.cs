namespace Parley.Benchmarks;

/// <summary>
/// One line of a token-counting peer's output: a text class with its UTF-8 bytes, its token count and the best
/// throughput (MB/s, 10^6 bytes), or the <c>load</c> line with the time to load the vocabulary.
/// </summary>
internal sealed record TokenPeerLine(string Text, long? Bytes = null, long? Tokens = null, double? Mbps = null, double? LoadMs = null);
