using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley.Server;

/// <summary>
/// Saves exchanges in the history database after their responses are sent, one at a time in the background (the
/// response never waits for SQLite; only a full queue makes the request wait for room, see <see cref="SaveAsync"/>). Each exchange becomes a conversation: the earlier messages, then a turn with the
/// last message and the answer. When the host stops it waits for running exchanges, then drains every pending save.
/// </summary>
internal sealed partial class ExchangeRecorder : IHostedService
{
    /// <summary>How many times a save step is tried (about a minute with the back-off) before the exchange is reported lost.</summary>
    private const int SaveAttempts = 16;

    /// <summary>The default bound on exchanges waiting for the writer (<see cref="ParleyGatewayOptions.HistoryQueueCapacity"/>).</summary>
    public const int DefaultQueueCapacity = 1_024;

    /// <summary>
    /// How many appends may hold a conversation's shared lock at once: each holds a pooled connection for the lock and
    /// borrows another for its writes, so a burst of appends can never take the whole pool and wait on itself.
    /// </summary>
    private readonly SemaphoreSlim _sharedAppends = new(8);
    private readonly Channel<SavedExchange> _queue;
    private readonly GatewaySources _sources;
    private readonly InFlightExchanges _inFlight;
    private readonly ILogger _logger;
    private Task? _writer;

    public ExchangeRecorder(GatewaySources sources, InFlightExchanges inFlight, ParleyGatewayOptions options, ILogger<ExchangeRecorder>? logger = null)
    {
        _sources = sources;
        _inFlight = inFlight;

        // Bounded: under a load the database cannot keep up with, requests wait to queue their exchange (backpressure)
        // instead of holding every exchange in memory; none is dropped.
        _queue = Channel.CreateBounded<SavedExchange>(new BoundedChannelOptions(Math.Max(1, options.HistoryQueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Queues an exchange to save; while the queue is full, waits for room (the exchange is never dropped).</summary>
    public async Task SaveAsync(SavedExchange exchange)
    {
        try
        {
            await _queue.Writer.WriteAsync(exchange, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            LogDropped(_logger, exchange.Model);
        }
    }

    /// <summary>
    /// Appends an exchange to a client's conversation now (the caller holds the conversation's lock, so the next request
    /// on it sees this turn): the new system prompt, the request's messages, then a turn with the answer. On a store
    /// shared by replicas (<see cref="IConversationLog.SharesConversations"/>) the append runs under the conversation's lock for every
    /// replica, so turns sent at the same time through different replicas are saved whole, one after the other. False
    /// when it could not be saved whole (the failure is logged).
    /// </summary>
    public async Task<bool> AppendAsync(GatewayConversation conversation, ChatMessage? answer, TurnOutcome outcome)
    {
        try
        {
            var log = _sources.Log;
            if (log.SharesConversations)
            {
                await _sharedAppends.WaitAsync().ConfigureAwait(false);
                try
                {
                    await using var shared = await log.LockConversationAsync(conversation.Id, CancellationToken.None).ConfigureAwait(false);
                    await WriteTurnAsync(log, conversation, answer, outcome).ConfigureAwait(false);
                }
                finally
                {
                    _sharedAppends.Release();
                }
            }
            else
            {
                await WriteTurnAsync(log, conversation, answer, outcome).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception e) when (e is ParleyStorageException or InvalidOperationException or IOException)
        {
            LogSaveFailed(_logger, outcome.Model ?? "", e.Message);
            return false;
        }
    }

    private static async Task WriteTurnAsync(IConversationLog log, GatewayConversation conversation, ChatMessage? answer, TurnOutcome outcome)
    {
        if (conversation.NewSystemPrompt is { } system)
        {
            await log.UpdateConversationAsync(conversation.Id, new ConversationUpdate { SystemPrompt = system }, CancellationToken.None).ConfigureAwait(false);
        }

        await SummaryTurns.RecordAsync(log, conversation.Id, conversation.NewSummary?.Calls, CancellationToken.None).ConfigureAwait(false);
        var messages = conversation.NewMessages;
        if (messages.Count == 0)
        {
            return;
        }

        var appended = messages.Count > 1
            ? await log.AppendMessagesAsync(conversation.Id, messages.Take(messages.Count - 1), CancellationToken.None).ConfigureAwait(false)
            : [];
        var turn = await log.BeginTurnAsync(conversation.Id, messages[^1], null, CancellationToken.None).ConfigureAwait(false);
        await log.CompleteTurnAsync(turn, answer, outcome, null, CancellationToken.None).ConfigureAwait(false);
        await SaveSummaryAsync(log, conversation, appended).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves a running summary written for this request with the conversation (as <c>parley chat</c> does: its text and
    /// the sequence of the last message it covers), so the next request starts from it instead of summarizing again.
    /// </summary>
    private static async Task SaveSummaryAsync(IConversationLog log, GatewayConversation conversation, IReadOnlyList<StoredMessage> appended)
    {
        if (conversation.NewSummary is not { Changed: true, Summary: { } summary })
        {
            return;
        }

        var sequence = conversation.SequenceOf(summary.Through);
        for (var i = 0; sequence is null && i < appended.Count; i++)
        {
            if (ReferenceEquals(conversation.NewMessages[i], summary.Through))
            {
                sequence = appended[i].Sequence;
            }
        }

        if (sequence is { } through)
        {
            await log.UpdateConversationAsync(conversation.Id, new ConversationUpdate { Summary = summary.Text, SummaryThroughSequence = through }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(WriteAllAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _inFlight.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: save what is queued.
        }

        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }
    }

    private async Task WriteAllAsync()
    {
        await foreach (var exchange in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await WriteAsync(exchange).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ParleyStorageException or InvalidOperationException or IOException)
            {
                LogSaveFailed(_logger, exchange.Model, e.Message);
            }
        }
    }

    private async Task WriteAsync(SavedExchange exchange)
    {
        // Each step is retried while the database is away (a restart, a full pool), and the steps done are not done
        // again: the exchange is saved whole once it returns, or reported after the last try. A turn begun and not
        // completed is marked interrupted by the next store that opens, never shown as whole.
        var log = _sources.Log;
        var conversation = await RetryAsync(() => log.CreateConversationAsync(
            new NewConversation { Provider = exchange.Provider, Model = exchange.Model, KeyName = exchange.KeyName },
            CancellationToken.None)).ConfigureAwait(false);
        var messages = exchange.Messages;
        foreach (var call in exchange.SummaryCalls ?? [])
        {
            await RetryAsync(() => log.RecordSummaryCallAsync(conversation.Id, call, CancellationToken.None)).ConfigureAwait(false);
        }

        if (messages.Count > 1)
        {
            await RetryAsync(() => log.AppendMessagesAsync(conversation.Id, messages.Take(messages.Count - 1), CancellationToken.None)).ConfigureAwait(false);
        }

        var turn = await RetryAsync(() => log.BeginTurnAsync(conversation.Id, messages[^1], null, CancellationToken.None)).ConfigureAwait(false);
        await RetryAsync(() => log.CompleteTurnAsync(turn, exchange.Answer, exchange.Outcome, null, CancellationToken.None)).ConfigureAwait(false);
    }

    /// <summary>Runs a save step, trying again for about a minute while the store is unavailable.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> step)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await step().ConfigureAwait(false);
            }
            catch (ParleyStorageException) when (attempt < SaveAttempts)
            {
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "the history writer is stopped: an exchange with {Model} was not saved")]
    private static partial void LogDropped(ILogger logger, string model);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "could not save an exchange with {Model}: {Reason}")]
    private static partial void LogSaveFailed(ILogger logger, string model, string reason);
}
