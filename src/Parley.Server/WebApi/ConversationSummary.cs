namespace Parley.Server;

/// <summary>
/// One conversation as the web API lists it: the client's id, title, model, times, how many messages it holds and what
/// all its turns cost (null when no turn had a known price).
/// </summary>
internal sealed record ConversationSummary(string Id, string? Title, string? Model, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int MessageCount, decimal? CostUsd)
{
    public static ConversationSummary From(ConversationListItem item) =>
        new(item.ClientId ?? item.Id, item.Title, item.Model, item.CreatedAt, item.UpdatedAt, item.MessageCount, item.TotalCostUsd);

    public static ConversationSummary From(string clientId, StoredConversation stored)
    {
        var conversation = stored.Conversation;
        return new(clientId, conversation.Title, conversation.Model, conversation.CreatedAt, conversation.UpdatedAt, stored.Messages.Count, TotalCost(stored.Turns));
    }

    /// <summary>The sum of the known costs of <paramref name="turns"/>; null when none is known (as the history list sums them).</summary>
    public static decimal? TotalCost(IEnumerable<TurnRecord> turns)
    {
        decimal? total = null;
        foreach (var turn in turns)
        {
            if (turn.CostUsd is { } cost)
            {
                total = (total ?? 0m) + cost;
            }
        }

        return total;
    }
}
