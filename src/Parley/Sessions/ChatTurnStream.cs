using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// A turn being streamed by <see cref="ChatSession.StreamAsync(string, CancellationToken)"/>: enumerate it for the answer's updates as they are
/// generated, then await <see cref="Turn"/> for the recorded turn — its usage, cost, latency and time to first token.
/// </summary>
/// <remarks>
/// The request is sent when the enumeration starts, and the stream can be enumerated once. <see cref="Turn"/>
/// completes when the enumeration ends: with the recorded turn, whose <see cref="ChatTurn.Status"/> says whether it
/// completed, was interrupted (a cancellation keeps the partial answer) or failed — the enumeration still throws the
/// error; it faults with the error when no turn was recorded (nothing was sent, e.g.
/// <see cref="ContextWindowExceededException"/>), and is cancelled when the enumeration stops early without one.
/// </remarks>
public sealed class ChatTurnStream : IAsyncEnumerable<ChatResponseUpdate>
{
    private readonly Func<CancellationToken, IAsyncEnumerator<ChatResponseUpdate>> _start;
    private readonly Func<ChatTurn?> _recorded;
    private readonly TaskCompletionSource<ChatTurn> _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    /// <param name="start">Starts the turn, given the enumeration's token.</param>
    /// <param name="recorded">The turn recorded since the start, if any.</param>
    internal ChatTurnStream(Func<CancellationToken, IAsyncEnumerator<ChatResponseUpdate>> start, Func<ChatTurn?> recorded)
    {
        _start = start;
        _recorded = recorded;
    }

    /// <summary>The recorded turn, once the enumeration has ended (see the remarks on <see cref="ChatTurnStream"/>).</summary>
    public Task<ChatTurn> Turn => _turn.Task;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The stream was already enumerated (each enumeration would be a new turn).</exception>
    public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A streamed turn can be enumerated once; call StreamAsync again for another turn.");
        }

        return new Enumerator(this, _start(cancellationToken));
    }

    private void Complete(Exception? error)
    {
        if (_recorded() is { } turn)
        {
            _turn.TrySetResult(turn);
        }
        else if (error is OperationCanceledException cancelled)
        {
            _turn.TrySetCanceled(cancelled.CancellationToken);
        }
        else if (error is not null && _turn.TrySetException(error))
        {
            _ = _turn.Task.Exception; // the enumeration threw it already: awaiting Turn is optional
        }
        else
        {
            _turn.TrySetCanceled();
        }
    }

    private sealed class Enumerator(ChatTurnStream owner, IAsyncEnumerator<ChatResponseUpdate> inner) : IAsyncEnumerator<ChatResponseUpdate>
    {
        public ChatResponseUpdate Current => inner.Current;

        public async ValueTask<bool> MoveNextAsync()
        {
            try
            {
                if (await inner.MoveNextAsync().ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (Exception e)
            {
                owner.Complete(e);
                throw;
            }

            owner.Complete(null);
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            owner.Complete(null);
        }
    }
}
