using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// A conversation a client named (<c>X-Parley-Conversation</c>), loaded for one request: the saved history with the
/// request's messages appended (a system message replaces the saved system prompt), and what to save after.
/// </summary>
internal sealed class GatewayConversation
{
    private GatewayConversation(string id, IReadOnlyList<ChatMessage> history, string? newSystemPrompt, IReadOnlyList<ChatMessage> newMessages, bool extended)
    {
        Id = id;
        History = history;
        NewSystemPrompt = newSystemPrompt;
        NewMessages = newMessages;
        Extended = extended;
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

    /// <summary>Finds or starts the key's conversation <paramref name="clientId"/> and joins its history with the request's messages.</summary>
    public static async Task<GatewayConversation> LoadAsync(IConversationLog log, string clientId, string? keyName, ChatExchange exchange, CancellationToken cancellationToken)
    {
        var record = await log.CreateConversationAsync(
            new NewConversation { ClientId = clientId, KeyName = keyName, Provider = exchange.Route.Provider.Name, Model = exchange.Route.UpstreamModel },
            cancellationToken).ConfigureAwait(false);
        var stored = await log.LoadAsync(record.Id, cancellationToken).ConfigureAwait(false);
        return Join(record.Id, stored, exchange);
    }

    /// <summary>
    /// What <see cref="LoadAsync"/> would give, without creating anything: the key's conversation joined with the
    /// request's messages, or the request alone when the key has no such conversation yet (its id is then empty).
    /// </summary>
    public static async Task<GatewayConversation> PreviewAsync(IConversationLog log, IConversationHistory conversations, string clientId, string? keyName, ChatExchange exchange, CancellationToken cancellationToken)
    {
        var id = await conversations.FindClientConversationAsync(keyName, clientId, cancellationToken).ConfigureAwait(false);
        var stored = id is null ? null : await log.LoadAsync(id, cancellationToken).ConfigureAwait(false);
        return Join(id ?? string.Empty, stored, exchange);
    }

    private static GatewayConversation Join(string id, StoredConversation? stored, ChatExchange exchange)
    {
        var requestSystem = exchange.Request.Messages.LastOrDefault(m => m.Role == ChatRole.System)?.Text;
        var savedSystem = stored?.Conversation.SystemPrompt;
        var system = requestSystem ?? savedSystem;
        var saved = stored is null ? [] : stored.Messages.Select(m => m.Message).Where(m => m.Role != ChatRole.System).ToList();
        var added = exchange.Request.Messages.Where(m => m.Role != ChatRole.System).ToList();
        var history = new List<ChatMessage>(saved.Count + added.Count + 1);
        if (!string.IsNullOrEmpty(system))
        {
            history.Add(new ChatMessage(ChatRole.System, system));
        }

        history.AddRange(saved);
        history.AddRange(added);
        var extended = saved.Count > 0 || (requestSystem is null && system is not null);
        var newSystem = requestSystem is not null && !string.Equals(requestSystem, savedSystem, StringComparison.Ordinal) ? requestSystem : null;
        return new GatewayConversation(id, history, newSystem, added, extended);
    }
}
