using System.Text;

namespace Parley.Tests.TestServer;

/// <summary>Reads server-sent events one <c>data:</c> payload at a time, as they arrive.</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next <c>data:</c> payload, or null at the end of the stream.</summary>
    public async Task<string?> NextAsync(CancellationToken ct = default)
    {
        string? data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct);
            if (line is null)
                return data;
            if (line.Length == 0)
            {
                if (data is not null)
                    return data;
                continue;
            }
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                data = data is null ? line[6..] : data + "\n" + line[6..];
        }
    }

    /// <summary>All remaining payloads.</summary>
    public async Task<List<string>> ReadAllAsync(CancellationToken ct = default)
    {
        var frames = new List<string>();
        while (await NextAsync(ct) is { } frame)
            frames.Add(frame);
        return frames;
    }

    public void Dispose() => _reader.Dispose();
}
