namespace Parley;

/// <summary>
/// The tokens a chat API adds around the messages it bills: a fixed cost per message, an extra token when a
/// message carries a <c>name</c>, and the tokens that prime the assistant's reply.
/// </summary>
/// <param name="PerMessage">Tokens added for every message (role markers and separators).</param>
/// <param name="PerName">Tokens added when a message has an author name.</param>
/// <param name="ReplyPriming">Tokens added once per request to start the assistant's reply.</param>
internal sealed record ChatFraming(int PerMessage, int PerName, int ReplyPriming)
{
    /// <summary>OpenAI chat models (gpt-3.5-turbo, gpt-4, gpt-4o, gpt-4.1, gpt-4.5): 3 per message, 1 per name, 3 to prime the reply.</summary>
    public static ChatFraming OpenAIChat { get; } = new(3, 1, 3);

    /// <summary>OpenAI reasoning models (o-series, gpt-5 family): 3 per message, 1 per name, 2 to prime the reply.</summary>
    public static ChatFraming OpenAIReasoning { get; } = new(3, 1, 2);
}
