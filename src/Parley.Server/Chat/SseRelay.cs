using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>
/// Passes an upstream SSE stream to the client event by event, as the bytes came, flushing after each event. It only
/// peeks: content deltas, the finish reason and the usage chunk are read into an <see cref="ExchangeResult"/>. The
/// usage chunk is the one event that changes: it gains <c>cost_usd</c> when the client asked for usage, and is dropped
/// when only Parley asked for it. Memory is bounded: one read buffer and at most one incomplete event, and a client
/// that reads slowly slows the reads from upstream (nothing queues up). In a named conversation the closing events (the
/// usage-only chunk and <c>data: [DONE]</c>, and anything after them) are held in <see cref="ExchangeResult.HeldAnswer"/>:
/// the caller sends them once the turn is saved, so a client that takes <c>[DONE]</c> as the end cannot send its next turn
/// (perhaps to another replica) before this one is in the database.
/// </summary>
internal static class SseRelay
{
    /// <summary>The largest single event accepted from upstream.</summary>
    public const int MaxEventBytes = 1024 * 1024;

    private const int ReadSize = 16 * 1024;

    /// <summary>
    /// Relays until upstream ends; <paramref name="idle"/> limits the silence before each read. With
    /// <paramref name="holdClosing"/> the closing events go to <see cref="ExchangeResult.HeldAnswer"/> instead of the client.
    /// </summary>
    public static async Task RelayAsync(
        Stream upstream, HttpResponse response, bool clientWantsUsage, ModelInfo model, ExchangeResult result, long startedAt, UpstreamDeadline idle, bool holdClosing, CancellationToken cancellationToken)
    {
        var read = ArrayPool<byte>.Shared.Rent(ReadSize);
        var pending = ArrayPool<byte>.Shared.Rent(ReadSize * 2);
        var length = 0;
        MemoryStream? held = null;
        try
        {
            while (true)
            {
                idle.Restart();
                var n = await upstream.ReadAsync(read.AsMemory(0, ReadSize), idle.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                if (length + n > pending.Length)
                {
                    if (length + n > MaxEventBytes)
                    {
                        throw new InvalidDataException("an upstream event is larger than the gateway accepts.");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Max(pending.Length * 2, length + n));
                    pending.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(pending);
                    pending = larger;
                }

                read.AsSpan(0, n).CopyTo(pending.AsSpan(length));
                length += n;
                var consumed = 0;
                while (EventEnd(pending.AsSpan(consumed, length - consumed)) is var end and > 0)
                {
                    var forward = Inspect(pending.AsMemory(consumed, end), clientWantsUsage, model, result, startedAt, out var closing);
                    if (holdClosing && (held is not null || closing))
                    {
                        held ??= new MemoryStream();
                        held.Write(forward.Span);
                    }
                    else if (!forward.IsEmpty)
                    {
                        await response.Body.WriteAsync(forward, cancellationToken).ConfigureAwait(false);
                        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }

                    consumed += end;
                }

                if (consumed > 0)
                {
                    pending.AsSpan(consumed, length - consumed).CopyTo(pending);
                    length -= consumed;
                }
            }

            if (held is not null)
            {
                held.Write(pending.AsSpan(0, length));
                result.HeldAnswer = held.ToArray();
            }
            else if (length > 0)
            {
                await response.Body.WriteAsync(pending.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(read);
            ArrayPool<byte>.Shared.Return(pending);
        }
    }

    /// <summary>The length of the first complete event (its blank line included), or 0.</summary>
    private static int EventEnd(ReadOnlySpan<byte> buffer)
    {
        for (var i = buffer.IndexOf((byte)'\n'); i >= 0 && i < buffer.Length - 1;)
        {
            var next = i + 1;
            if (buffer[next] == (byte)'\r' && next + 1 < buffer.Length)
            {
                next++;
            }

            if (buffer[next] == (byte)'\n')
            {
                return next + 1;
            }

            var more = buffer[(i + 1)..].IndexOf((byte)'\n');
            i = more < 0 ? -1 : i + 1 + more;
        }

        return 0;
    }

    /// <summary>
    /// What to send for one event: the event itself, the usage chunk with its cost, or nothing;
    /// <paramref name="closing"/> tells a closing event (the usage-only chunk or <c>[DONE]</c>).
    /// </summary>
    private static ReadOnlyMemory<byte> Inspect(ReadOnlyMemory<byte> sse, bool clientWantsUsage, ModelInfo model, ExchangeResult result, long startedAt, out bool closing)
    {
        closing = false;
        var span = sse.Span;
        if (!span.StartsWith("data:"u8))
        {
            return sse;
        }

        var lineEnd = span.IndexOf((byte)'\n');
        var payload = span[5..lineEnd].Trim(" \r"u8);
        if (payload.Length == 0 || payload[0] != (byte)'{')
        {
            closing = payload.SequenceEqual("[DONE]"u8);
            return sse;
        }

        var payloadStart = 5 + (span[5..lineEnd].Length - span[5..lineEnd].TrimStart(" "u8).Length);
        try
        {
            using var document = JsonDocument.Parse(sse.Slice(payloadStart, payload.Length));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return sse;
            }

            if (result.Read(root, chunk: true) && result.TimeToFirstToken is null)
            {
                result.TimeToFirstToken = Stopwatch.GetElapsedTime(startedAt);
            }

            if (UsageJson.Read(root) is { } usage)
            {
                result.Usage = usage;
                result.CostUsd = model?.CostOf(usage);
                var usageOnly = !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0;
                if (usageOnly)
                {
                    closing = true;
                    return clientWantsUsage ? UsageEvent(payload, result.CostUsd) : ReadOnlyMemory<byte>.Empty;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: passed on as it came; the client decides.
        }

        return sse;
    }

    private static byte[] UsageEvent(ReadOnlySpan<byte> payload, decimal? cost)
    {
        var json = UsageJson.WithCost(payload, cost);
        var sse = new byte[6 + json.Length + 2];
        "data: "u8.CopyTo(sse);
        json.CopyTo(sse.AsSpan(6));
        "\n\n"u8.CopyTo(sse.AsSpan(6 + json.Length));
        return sse;
    }
}
