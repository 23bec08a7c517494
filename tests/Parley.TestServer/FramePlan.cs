namespace Parley.TestServer;

/// <summary>
/// A streamed body cut into frames (SSE events or NDJSON lines): frames before the content (the role chunk),
/// the content frames that faults count, and the closing frames (finish, usage, [DONE]).
/// </summary>
internal sealed class FramePlan
{
    public IReadOnlyList<byte[]> Preamble { get; init; } = [];

    public int ContentCount { get; init; }

    public Func<int, byte[]> ContentFrame { get; init; } = _ => [];

    public IReadOnlyList<byte[]> Tail { get; init; } = [];

    /// <summary>Frame injected by <see cref="ScriptedResponse.WithMalformedChunk"/>.</summary>
    public byte[] MalformedFrame { get; init; } = [];

    /// <summary>Frame sent by <see cref="ScriptedResponse.WithStreamError"/>.</summary>
    public byte[] ErrorFrame { get; init; } = [];

    /// <summary>Flush after every frame (true) or in batches (for very long streams).</summary>
    public bool FlushEachFrame { get; init; } = true;

    /// <summary>Splits a recorded body at frame boundaries (<c>\n\n</c> for SSE, <c>\n</c> for NDJSON), keeping the separators.</summary>
    public static FramePlan Split(byte[] body, byte[] separator)
    {
        var frames = new List<byte[]>();
        var span = body.AsSpan();
        while (span.Length > 0)
        {
            var at = span.IndexOf(separator);
            var length = at < 0 ? span.Length : at + separator.Length;
            frames.Add(span[..length].ToArray());
            span = span[length..];
        }
        return new FramePlan { ContentCount = frames.Count, ContentFrame = i => frames[i] };
    }
}
