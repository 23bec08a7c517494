using System.Text;

namespace Parley.Tests.Ollama;

public sealed class OllamaErrorLineStreamTests
{
    [Fact]
    public async Task OllamaErrorLine_SplitAcrossReads_DeliversLinesBeforeThenThrows()
    {
        var body = "{\"message\":{\"content\":\"a\"},\"done\":false}\n{\"message\":{\"content\":\"b\"},\"done\":false}\n{\"error\":\"model ran out of memory\"}\n";
        using var stream = new OllamaErrorLineStream(new TrickleStream(Encoding.UTF8.GetBytes(body), chunk: 7));
        using var reader = new StreamReader(stream);

        Assert.Equal("{\"message\":{\"content\":\"a\"},\"done\":false}", await reader.ReadLineAsync());
        Assert.Equal("{\"message\":{\"content\":\"b\"},\"done\":false}", await reader.ReadLineAsync());
        var e = await Assert.ThrowsAsync<ParleyApiException>(async () => await reader.ReadLineAsync());
        Assert.Equal("model ran out of memory", e.Message);
    }

    [Fact]
    public async Task OllamaErrorLine_None_PassesBodyThroughUnchanged()
    {
        var body = "{\"done\":false}\n{\"done\":true}";
        using var stream = new OllamaErrorLineStream(new TrickleStream(Encoding.UTF8.GetBytes(body), chunk: 3));
        using var reader = new StreamReader(stream);

        Assert.Equal(body, await reader.ReadToEndAsync());
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, like a network stream.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
