namespace Parley.Benchmarks;

/// <summary>
/// One line of a token-counting peer's output: a text class with its UTF-8 bytes, its token count and the best
/// throughput (MB/s, 10^6 bytes), or the <c>load</c> line with the time to load the vocabulary. The runs without
/// spaces also report the process CPU time of the fastest count (<c>CpuMs</c>), steadier than wall time on a busy machine.
/// </summary>
internal sealed record TokenPeerLine(string Text, long? Bytes = null, long? Tokens = null, double? Mbps = null, double? LoadMs = null, double? CpuMs = null);
