namespace Parley.Server;

/// <summary>
/// Counts what an exchange will send and fits it to the model's window: the prompt as the gateway forwards it, after
/// the context policy the request asks for (<c>X-Parley-Context</c>, else the key's default; a named conversation is
/// trimmed to the window when neither says). The gateway runs it before forwarding; <c>POST /v1/parley/context</c> runs
/// the same to tell a page what the next request will carry.
/// </summary>
internal static class ContextFit
{
    /// <summary>
    /// Sets <see cref="ChatExchange.PromptTokens"/>; when the policy leaves messages out, the exchange carries the rest,
    /// is recounted and <see cref="ChatExchange.Dropped"/> says how many. Returns the 400 error of a bad policy, else null.
    /// </summary>
    public static async Task<GatewayError?> ApplyAsync(ChatExchange exchange, string? contextHeader, TokenCounter counter, CancellationToken cancellationToken)
    {
        var route = exchange.Route;
        exchange.PromptTokens = counter.CountPrompt(exchange.Messages, route.Model);
        var policy = ContextHeader.Parse(contextHeader ?? exchange.Key.DefaultContextPolicy, out var error);
        if (error is not null)
        {
            return error;
        }

        // A conversation grows with every turn: without a choice it is trimmed to the window, never refused.
        policy ??= exchange.Conversation is null ? null : ContextPolicy.TokenBudget();
        if (policy is null)
        {
            return null;
        }

        var budget = ContextBudget.For(route.Model, counter, exchange.Request.MaxTokens is { } max ? (int)Math.Min(max, int.MaxValue) : null);
        var result = await policy.ApplyAsync(new ContextRequest { Messages = exchange.Messages, Budget = budget }, cancellationToken).ConfigureAwait(false);
        if (result.Dropped > 0)
        {
            exchange.ReplaceMessages(result.Messages);
            exchange.Dropped = result.Dropped;
            exchange.PromptTokens = counter.CountPrompt(exchange.Messages, route.Model);
        }

        return null;
    }
}
