using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// A conversation a client named (<c>X-Parley-Conversation</c>), loaded for one request: the saved history with the
/// request's messages appended (a system message replaces the saved system prompt), and what to save after.
/// </summary>
internal sealed class GatewayConversation
{
    private readonly IReadOnlyList<StoredMessage> _stored;

    private GatewayConversation(
        string id, IReadOnlyList<ChatMessage> history, string? newSystemPrompt, IReadOnlyList<ChatMessage> newMessages, bool extended,
        IReadOnlyList<StoredMessage> stored, RunningSummary? summary, MessageJson? json)
    {
        Id = id;
        History = history;
        NewSystemPrompt = newSystemPrompt;
        NewMessages = newMessages;
        Extended = extended;
        _stored = stored;
        Summary = summary;
        Json = json;
    }

    /// <summary>The conversation's id in the store.</summary>
    public string Id { get; }

    /// <summary>The whole conversation as the model should see it, before the context policy.</summary>
    public IReadOnlyList<ChatMessage> History { get; }

    /// <summary>The request's system prompt when it differs from the saved one; null otherwise.</summary>
    public string? NewSystemPrompt { get; }

    /// <summary>The request's messages other than system messages: saved after the answer.</summary>
    public IReadOnlyList<ChatMessage> NewMessages { get; }

    /// <summary>True when <see cref="History"/> is more than the client sent.</summary>
    public bool Extended { get; }

    /// <summary>The running summary saved with the conversation (null: none), as <c>parley chat --context summarize</c> saves it.</summary>
    public RunningSummary? Summary { get; }

    /// <summary>The upstream JSON kept with the loaded conversation (<see cref="CachedConversation.Json"/>); null for a preview.</summary>
    public MessageJson? Json { get; }

    /// <summary>What the summarizing policy produced for this request (null: it did not run): saved with the turn.</summary>
    public ContextSummary? NewSummary { get; set; }

    /// <summary>Where a saved message of <see cref="History"/> is stored (null: not saved yet, one of <see cref="NewMessages"/>).</summary>
    public long? SequenceOf(ChatMessage message) => _stored.FirstOrDefault(m => ReferenceEquals(m.Message, message))?.Sequence;

    /// <summary>
    /// Finds or starts the key's conversation <paramref name="clientId"/> and joins its history with the request's
    /// messages. The history comes from <paramref name="cache"/>: a conversation this process kept reads only what the
    /// store gained since its last turn.
    /// </summary>
    public static async Task<GatewayConversation> LoadAsync(IConversationLog log, ConversationCache cache, string clientId, string? keyName, ChatExchange exchange, CancellationToken cancellationToken)
    {
        var record = await log.CreateConversationAsync(
            new NewConversation { ClientId = clientId, KeyName = keyName, Provider = exchange.Route.Provider.Name, Model = exchange.Route.UpstreamModel },
            cancellationToken).ConfigureAwait(false);
        var kept = await cache.LoadAsync(log, ConversationCache.KeyOf(keyName, clientId), record.Id, cancellationToken).ConfigureAwait(false);
        return Join(record.Id, record, kept.Snapshot(), kept.SystemMessage, exchange, kept.Json);
    }

    /// <summary>
    /// What <see cref="LoadAsync"/> would give, without creating anything: the key's conversation joined with the
    /// request's messages, or the request alone when the key has no such conversation yet (its id is then empty).
    /// </summary>
    public static async Task<GatewayConversation> PreviewAsync(IConversationLog log, IConversationHistory conversations, string clientId, string? keyName, ChatExchange exchange, CancellationToken cancellationToken)
    {
        var id = await conversations.FindClientConversationAsync(keyName, clientId, cancellationToken).ConfigureAwait(false);
        var stored = id is null ? null : await log.LoadAsync(id, cancellationToken).ConfigureAwait(false);
        return Join(id ?? string.Empty, stored?.Conversation, stored is null ? [] : stored.Messages, static text => new ChatMessage(ChatRole.System, text), exchange, null);
    }

    private static GatewayConversation Join(
        string id, ConversationRecord? record, IReadOnlyList<StoredMessage> storedMessages, Func<string, ChatMessage> systemMessage, ChatExchange exchange, MessageJson? json)
    {
        var requestSystem = exchange.Request.Messages.LastOrDefault(m => m.Role == ChatRole.System)?.Text;
        var savedSystem = record?.SystemPrompt;
        var system = requestSystem ?? savedSystem;
        var saved = storedMessages.Select(m => m.Message).Where(m => m.Role != ChatRole.System).ToList();
        var summary = record is { Summary: { Length: > 0 } text, SummaryThroughSequence: { } through }
            && storedMessages.FirstOrDefault(m => m.Sequence == through) is { } last
                ? new RunningSummary(text, last.Message)
                : null;
        var added = exchange.Request.Messages.Where(m => m.Role != ChatRole.System).ToList();
        var history = new List<ChatMessage>(saved.Count + added.Count + 1);
        if (!string.IsNullOrEmpty(system))
        {
            history.Add(systemMessage(system));
        }

        history.AddRange(saved);
        history.AddRange(added);
        var extended = saved.Count > 0 || (requestSystem is null && system is not null);
        var newSystem = requestSystem is not null && !string.Equals(requestSystem, savedSystem, StringComparison.Ordinal) ? requestSystem : null;
        return new GatewayConversation(id, history, newSystem, added, extended, storedMessages, summary, json);
    }
}
