using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Parley.TestServer;

/// <summary>Writes a <see cref="FramePlan"/> to the response, applying a scripted response's timing and faults.</summary>
internal sealed class FrameWriter
{
    private const int BatchBytes = 32 * 1024;

    private readonly HttpContext _context;
    private readonly PipeWriter _body;
    private readonly ScriptedResponse _script;
    private readonly FramePlan _plan;
    private readonly CancellationToken _cancellationToken;
    private bool _first = true;
    private long _pending;

    private FrameWriter(HttpContext context, FramePlan plan, ScriptedResponse script, CancellationToken cancellationToken)
    {
        _context = context;
        _body = context.Response.BodyWriter;
        _plan = plan;
        _script = script;
        _cancellationToken = cancellationToken;
    }

    public static Task WriteAsync(HttpContext context, FramePlan plan, ScriptedResponse script, CancellationToken cancellationToken) =>
        new FrameWriter(context, plan, script, cancellationToken).RunAsync();

    private async Task RunAsync()
    {
        await _context.Response.StartAsync(_cancellationToken);
        foreach (var frame in _plan.Preamble)
            await EmitAsync(frame);

        var count = _plan.ContentCount;
        if (await AfterContentAsync(0, count))
            return;
        for (var i = 0; i < count; i++)
        {
            await EmitAsync(_plan.ContentFrame(i));
            if (await AfterContentAsync(i + 1, count))
                return;
        }

        foreach (var frame in _plan.Tail)
            await EmitAsync(frame);
        await FlushAsync();
    }

    /// <summary>Applies faults due after <paramref name="sent"/> content frames; true when the response is over.</summary>
    private async ValueTask<bool> AfterContentAsync(int sent, int count)
    {
        var s = _script;
        if (s.MalformedAfter is int malformed && Math.Min(malformed, count) == sent)
            await EmitAsync(_plan.MalformedFrame);

        if (s.StreamErrorAfter is int error && Math.Min(error, count) == sent)
        {
            await EmitAsync(_plan.ErrorFrame);
            await FlushAsync();
            return true;
        }

        if (s.DropAfter is int drop && Math.Min(drop, count) == sent)
        {
            await FlushAsync();
            throw new ConnectionDropException();
        }

        if (s.StallAfter is int stall && Math.Min(stall, count) == sent)
        {
            await FlushAsync();
            await Task.Delay(Timeout.Infinite, _cancellationToken);
            return true;
        }

        if (s.HoldRelease is { } release && Math.Min(1, count) == sent)
        {
            await FlushAsync();
            await release.WaitAsync(_cancellationToken);
        }
        return false;
    }

    private async ValueTask EmitAsync(byte[] frame)
    {
        if (!_first && _script.ChunkDelay > TimeSpan.Zero)
        {
            await FlushAsync();
            await Task.Delay(_script.ChunkDelay, _cancellationToken);
        }
        _first = false;
        _body.Write(frame);
        _pending += frame.Length;
        if (_plan.FlushEachFrame || _pending >= BatchBytes)
            await FlushAsync();
    }

    private async ValueTask FlushAsync()
    {
        _pending = 0;
        await _body.FlushAsync(_cancellationToken);
    }
}
