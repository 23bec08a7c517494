using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// A request on its way through the gateway: parsed, routed and counted. Context steps (trimming with
/// <c>X-Parley-Context</c>, conversation memory with <c>X-Parley-Conversation</c>) run between counting and
/// forwarding and may <see cref="ReplaceMessages">replace the messages</see>; the forwarded body then carries the new
/// ones and the count is redone.
/// </summary>
internal sealed class ChatExchange
{
    public ChatExchange(ChatRequest request, UpstreamRoute route, GateKey key)
    {
        Request = request;
        Route = route;
        Key = key;
        Messages = request.Messages;
    }

    public ChatRequest Request { get; }

    public UpstreamRoute Route { get; }

    public GateKey Key { get; }

    /// <summary>The messages sent upstream: the client's, unless a context step replaced them.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; private set; }

    /// <summary>True when <see cref="Messages"/> are not the client's.</summary>
    public bool MessagesReplaced { get; private set; }

    /// <summary>The prompt's tokens as counted for <see cref="Messages"/>.</summary>
    public TokenCount PromptTokens { get; set; }

    /// <summary>Counts <see cref="Messages"/> with the request's tools and response format, as the library counts a request.</summary>
    public TokenCount CountPrompt(TokenCounter counter) => counter.CountRequest(Messages, Route.Model, Request.Options);

    /// <summary>The body to forward when Parley removed its own fields from the client's (<c>metadata.parley_conversation</c>); null: as sent.</summary>
    public byte[]? ClientBody { get; set; }

    /// <summary>The client's conversation (<c>X-Parley-Conversation</c>), loaded; null for a stateless request.</summary>
    public GatewayConversation? Conversation { get; set; }

    /// <summary>How many of the client's messages a context step left out (0: none).</summary>
    public int Dropped { get; set; }

    /// <summary>How many of the conversation's messages the running summary stands for (0: none).</summary>
    public int Summarized { get; set; }

    /// <summary>What <c>X-Parley-Context: summarize</c> did (null: it did not run); its calls are saved with the exchange.</summary>
    public ContextSummary? Summary { get; set; }

    /// <summary>Joins the client's conversation: the exchange carries its whole history when that is more than the client sent.</summary>
    public void Use(GatewayConversation conversation)
    {
        Conversation = conversation;
        if (conversation.Extended)
        {
            ReplaceMessages(conversation.History);
        }
    }

    public void ReplaceMessages(IReadOnlyList<ChatMessage> messages)
    {
        Messages = messages;
        MessagesReplaced = true;
    }
}
