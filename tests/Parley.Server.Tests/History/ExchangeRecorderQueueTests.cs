using Microsoft.Extensions.AI;

namespace Parley.Server.Tests;

/// <summary>The history writer's queue is bounded: when it is full a request waits to queue its exchange; none is dropped.</summary>
public sealed class ExchangeRecorderQueueTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "parley-recorder-" + Guid.NewGuid().ToString("N") + ".db");
    private SqliteConversationStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteConversationStore.OpenAsync(_path);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    private static SavedExchange Exchange(string text) =>
        new("openai", "gpt-4o-mini", [new ChatMessage(ChatRole.User, text)], new ChatMessage(ChatRole.Assistant, "Echo: " + text), new TurnOutcome { Status = TurnStatus.Complete });

    [Fact]
    public async Task SaveAsync_QueueFull_WaitsUntilTheWriterTakesOneThenSavesEvery()
    {
        var log = new BlockingConversationLog(_store);
        var options = new ParleyGatewayOptions { ConversationLog = log, HistoryQueueCapacity = 1 };
        var recorder = new ExchangeRecorder(new GatewaySources(options), new InFlightExchanges(), options);
        await recorder.StartAsync(CancellationToken.None);

        await recorder.SaveAsync(Exchange("one")); // the writer takes it and waits on the store
        await log.Entered.Task;
        await recorder.SaveAsync(Exchange("two")); // queued: the queue is full
        var third = recorder.SaveAsync(Exchange("three"));

        Assert.False(third.IsCompleted);
        log.Release.SetResult();
        await third;
        await recorder.StopAsync(CancellationToken.None);
        var saved = await _store.ListAsync();
        Assert.Equal(3, saved.Count);
    }

    /// <summary>A log whose first conversation waits until <see cref="Release"/> is set.</summary>
    private sealed class BlockingConversationLog(IConversationLog inner) : IConversationLog
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<ConversationRecord> CreateConversationAsync(NewConversation conversation, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            await Release.Task;
            return await inner.CreateConversationAsync(conversation, cancellationToken);
        }

        public Task<ConversationRecord> UpdateConversationAsync(string conversationId, ConversationUpdate update, CancellationToken cancellationToken = default) =>
            inner.UpdateConversationAsync(conversationId, update, cancellationToken);

        public Task<IReadOnlyList<StoredMessage>> AppendMessagesAsync(string conversationId, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default) =>
            inner.AppendMessagesAsync(conversationId, messages, cancellationToken);

        public Task<TurnRecord> BeginTurnAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts = null, CancellationToken cancellationToken = default) =>
            inner.BeginTurnAsync(conversationId, userMessage, tokenCounts, cancellationToken);

        public Task<TurnRecord> CompleteTurnAsync(TurnRecord turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts = null, CancellationToken cancellationToken = default) =>
            inner.CompleteTurnAsync(turn, assistantMessage, outcome, assistantTokenCounts, cancellationToken);

        public Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken = default) =>
            inner.RecordSummaryCallAsync(conversationId, outcome, cancellationToken);

        public Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken = default) =>
            inner.LoadAsync(conversationId, cancellationToken);
    }
}
