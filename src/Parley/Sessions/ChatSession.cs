using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// One conversation with a model: send or stream a turn, remember it, show it, reset it. Each turn appends the user
/// message, asks the context policy what to send, calls the client, and records the answer with its usage, cost,
/// latency and time to first token.
/// </summary>
/// <remarks>A session is not thread-safe: one turn at a time.</remarks>
public sealed class ChatSession
{
    private IChatClient _client;
    private readonly ChatSessionOptions _options;
    private readonly List<ChatMessage> _history = [];

    /// <summary>Creates a session over <paramref name="client"/>.</summary>
    public ChatSession(IChatClient client, ChatSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new ChatSessionOptions();
        StartHistory();
    }

    /// <summary>The conversation so far: the system message (if any), initial messages, then every turn.</summary>
    public IReadOnlyList<ChatMessage> History => _history;

    /// <summary>The turns of this conversation, in order.</summary>
    public IReadOnlyList<ChatTurn> Turns => _turns;

    /// <summary>The last turn (null before the first).</summary>
    public ChatTurn? LastTurn => _turns.Count == 0 ? null : _turns[^1];

    /// <summary>Running token and cost totals.</summary>
    public ConversationUsage Usage { get; } = new();

    /// <summary>The model requested for the next turn.</summary>
    public string? Model
    {
        get => _options.Model;
        set => _options.Model = value;
    }

    /// <summary>The system message (changing it replaces the first message of the history).</summary>
    public string? SystemPrompt
    {
        get => _options.SystemPrompt;
        set
        {
            _options.SystemPrompt = value;
            if (_history.Count > 0 && _history[0].Role == ChatRole.System)
            {
                _history.RemoveAt(0);
            }

            if (!string.IsNullOrEmpty(value))
            {
                _history.Insert(0, new ChatMessage(ChatRole.System, value));
            }
        }
    }

    private readonly List<ChatTurn> _turns = [];

    /// <summary>Sends <paramref name="userText"/> and waits for the whole answer.</summary>
    /// <exception cref="ParleyApiException">The provider call failed; the question is not kept in memory.</exception>
    public async Task<ChatTurn> SendAsync(string userText, CancellationToken cancellationToken = default)
    {
        var user = CreateUserMessage(userText);
        var request = await PrepareRequestAsync(user, cancellationToken).ConfigureAwait(false);
        var started = _options.TimeProvider.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await _client.GetResponseAsync(request, CreateChatOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RecordFailure(user, request.Count, e, started, partial: string.Empty, timeToFirstToken: null);
            throw;
        }

        return Record(user, request.Count, response, started, timeToFirstToken: null, TurnStatus.Complete, error: null);
    }

    /// <summary>
    /// Sends <paramref name="userText"/> and yields the answer as it is generated. When the stream ends the turn is
    /// recorded (see <see cref="LastTurn"/>). Cancelling keeps the partial answer in the conversation, marked interrupted.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        string userText, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var user = CreateUserMessage(userText);
        var request = await PrepareRequestAsync(user, cancellationToken).ConfigureAwait(false);
        var started = _options.TimeProvider.GetTimestamp();
        TimeSpan? firstToken = null;
        var updates = new List<ChatResponseUpdate>();
        var partial = new StringBuilder();
        await using var enumerator = _client.GetStreamingResponseAsync(request, CreateChatOptions(), cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (Exception e)
            {
                RecordFailure(user, request.Count, e, started, partial.ToString(), firstToken);
                throw;
            }

            var update = enumerator.Current;
            updates.Add(update);
            var text = update.Text;
            if (text.Length > 0)
            {
                firstToken ??= _options.TimeProvider.GetElapsedTime(started);
                partial.Append(text);
            }

            yield return update;
        }

        Record(user, request.Count, updates.ToChatResponse(), started, firstToken, TurnStatus.Complete, error: null);
    }

    /// <summary>Starts a new conversation with the same system message and initial messages.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _turns.Clear();
        Usage.Reset();
        StartHistory();
        return Task.CompletedTask;
    }

    /// <summary>Switches the model (and, across providers, the client) for the next turns; the history is kept.</summary>
    public void ChangeModel(string model, IChatClient? client = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _options.Model = model;
        if (client is not null)
        {
            _client = client;
        }
    }

    /// <summary>
    /// Takes the last turn back out of the conversation (its cost stays counted: it was paid) and returns its
    /// question, so it can be asked again (<c>/retry</c>). Null when there is no turn.
    /// </summary>
    public string? UndoLastTurn()
    {
        if (_turns.Count == 0)
        {
            return null;
        }

        var turn = _turns[^1];
        _turns.RemoveAt(_turns.Count - 1);
        if (turn.AssistantMessage is { } answer && _history.Count > 0 && ReferenceEquals(_history[^1], answer))
        {
            _history.RemoveAt(_history.Count - 1);
        }

        if (_history.Count > 0 && ReferenceEquals(_history[^1], turn.UserMessage))
        {
            _history.RemoveAt(_history.Count - 1);
        }

        return turn.UserMessage.Text;
    }

    /// <summary>Adds a call made on the conversation's behalf (e.g. a summary) to the totals.</summary>
    public void RecordSideCall(UsageDetails? usage, decimal? costUsd) => Usage.Add(usage, costUsd);

    private void StartHistory()
    {
        _history.Clear();
        if (!string.IsNullOrEmpty(_options.SystemPrompt))
        {
            _history.Add(new ChatMessage(ChatRole.System, _options.SystemPrompt));
        }

        _history.AddRange(_options.InitialMessages);
    }

    private static ChatMessage CreateUserMessage(string userText)
    {
        ArgumentNullException.ThrowIfNull(userText);
        return new ChatMessage(ChatRole.User, userText);
    }

    private async Task<List<ChatMessage>> PrepareRequestAsync(ChatMessage user, CancellationToken cancellationToken)
    {
        IEnumerable<ChatMessage> candidates;
        if (_options.Memory)
        {
            _history.Add(user);
            candidates = _history;
        }
        else
        {
            var stateless = new List<ChatMessage>();
            if (!string.IsNullOrEmpty(_options.SystemPrompt))
            {
                stateless.Add(new ChatMessage(ChatRole.System, _options.SystemPrompt));
            }

            stateless.AddRange(_options.InitialMessages);
            stateless.Add(user);
            candidates = stateless;
        }

        if (_options.Context is { } policy)
        {
            candidates = await policy.ReduceAsync(candidates, cancellationToken).ConfigureAwait(false);
        }

        return [.. candidates];
    }

    private ChatOptions CreateChatOptions()
    {
        var options = _options.ChatOptions?.Clone() ?? new ChatOptions();
        if (_options.Model is not null)
        {
            options.ModelId = _options.Model;
        }

        return options;
    }

    private ChatTurn Record(ChatMessage user, int sent, ChatResponse response, long started, TimeSpan? timeToFirstToken, TurnStatus status, string? error)
    {
        var latency = _options.TimeProvider.GetElapsedTime(started);
        var assistant = new ChatMessage(ChatRole.Assistant, response.Text)
        {
            MessageId = response.ResponseId,
            AuthorName = null,
        };
        var cost = _options.PriceCall?.Invoke(response.ModelId ?? _options.Model, response.Usage);
        var turn = new ChatTurn
        {
            UserMessage = user,
            AssistantMessage = assistant,
            ModelId = response.ModelId ?? _options.Model,
            ResponseId = response.ResponseId,
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            CostUsd = cost,
            Latency = latency,
            TimeToFirstToken = timeToFirstToken,
            Status = status,
            Error = error,
            MessagesSent = sent,
        };
        if (_options.Memory)
        {
            _history.Add(assistant);
        }

        _turns.Add(turn);
        Usage.Add(response.Usage, cost);
        return turn;
    }

    private void RecordFailure(ChatMessage user, int sent, Exception error, long started, string partial, TimeSpan? timeToFirstToken)
    {
        var partialText = partial.Length > 0 ? partial : (error as ParleyApiException)?.PartialText ?? string.Empty;
        if (partialText.Length > 0)
        {
            var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, partialText)) { ModelId = _options.Model };
            Record(user, sent, response, started, timeToFirstToken, TurnStatus.Interrupted, error is OperationCanceledException ? "interrupted" : error.Message);
            return;
        }

        if (_options.Memory && _history.Count > 0 && ReferenceEquals(_history[^1], user))
        {
            _history.RemoveAt(_history.Count - 1);
        }

        _turns.Add(new ChatTurn
        {
            UserMessage = user,
            ModelId = _options.Model,
            Latency = _options.TimeProvider.GetElapsedTime(started),
            Status = error is OperationCanceledException ? TurnStatus.Interrupted : TurnStatus.Failed,
            Error = error is OperationCanceledException ? "interrupted" : error.Message,
            MessagesSent = sent,
        });
    }
}
