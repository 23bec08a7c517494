namespace Parley.Cli;

/// <summary>
/// A read-only view of an input that refuses to go past <see cref="InputReader.LimitBytes"/>: the read that would cross
/// it throws a usage error naming the input, so an endless source (<c>/dev/zero</c>) ends at once.
/// </summary>
internal sealed class CappedStream : Stream
{
    private readonly Stream _inner;
    private readonly string _name;
    private readonly long _limit;
    private long _read;

    public CappedStream(Stream inner, string name, long limit = InputReader.LimitBytes)
    {
        _inner = inner;
        _name = name;
        _limit = limit;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        if (_read > _limit)
        {
            throw new CliUsageException($"{_name} is larger than the {InputReader.LimitBytes / (1024 * 1024)} MiB input limit");
        }

        return read;
    }
}
