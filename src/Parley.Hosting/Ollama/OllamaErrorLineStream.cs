using System.Text;

namespace Parley.Hosting;

/// <summary>
/// Reads an NDJSON body line by line and hands only complete lines on. A line <c>{"error": "…"}</c> (what Ollama
/// sends when a stream fails after it started) ends the stream with a <see cref="ParleyApiException"/>, after the
/// lines before it were delivered, so the partial answer is kept.
/// </summary>
internal sealed class OllamaErrorLineStream : Stream
{
    private static readonly byte[] ErrorPrefix = "{\"error\""u8.ToArray();

    private readonly Stream _inner;
    private readonly byte[] _readBuffer = new byte[16 * 1024];
    private byte[] _carry = new byte[1024];
    private int _carryLength;
    private byte[] _ready = [];
    private int _readyOffset;
    private ParleyApiException? _pendingError;
    private bool _ended;

    public OllamaErrorLineStream(Stream inner) => _inner = inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_readyOffset < _ready.Length)
            {
                var count = Math.Min(buffer.Length, _ready.Length - _readyOffset);
                _ready.AsSpan(_readyOffset, count).CopyTo(buffer.Span);
                _readyOffset += count;
                return count;
            }

            if (_pendingError is { } error)
            {
                throw error;
            }

            if (_ended || buffer.Length == 0)
            {
                return 0;
            }

            var read = await _inner.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
                TakeLines(final: true);
            }
            else
            {
                Append(_readBuffer.AsSpan(0, read));
                TakeLines(final: false);
            }
        }
    }

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

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_carryLength + data.Length > _carry.Length)
        {
            Array.Resize(ref _carry, Math.Max(_carry.Length * 2, _carryLength + data.Length));
        }

        data.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength += data.Length;
    }

    /// <summary>Moves the complete lines (all of them at the end) from the carry to the ready buffer, stopping at an error line.</summary>
    private void TakeLines(bool final)
    {
        var carry = _carry.AsSpan(0, _carryLength);
        var end = final ? carry.Length : carry.LastIndexOf((byte)'\n') + 1;
        if (end <= 0)
        {
            return;
        }

        var deliver = end;
        for (var start = 0; start < end;)
        {
            var newline = carry[start..end].IndexOf((byte)'\n');
            var lineEnd = newline < 0 ? end : start + newline + 1;
            var line = carry[start..lineEnd].Trim(" \t\r\n"u8);
            if (line.StartsWith(ErrorPrefix))
            {
                deliver = start;
                _pendingError = ReadError(line);
                _ended = true;
                break;
            }

            start = lineEnd;
        }

        _ready = carry[..deliver].ToArray();
        _readyOffset = 0;
        carry[end..].CopyTo(_carry);
        _carryLength = _pendingError is null ? carry.Length - end : 0;
    }

    private static ParleyApiException ReadError(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line);
        var message = OllamaHttpHandler.ReadError(text) ?? "the server reported an error inside the stream";
        return new ParleyApiException(ApiFailureKind.HttpError, message);
    }
}
