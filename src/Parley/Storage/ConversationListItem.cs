namespace Parley;

/// <summary>One line of the conversation list, with its totals.</summary>
public sealed class ConversationListItem
{
    /// <summary>Gets the conversation id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the title (the first user message, shortened), or <see langword="null"/>.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the conversation's model.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the name of the virtual key that made the conversation through <c>parley serve</c>, or <see langword="null"/>.</summary>
    public string? KeyName { get; init; }

    /// <summary>Gets the id the gateway's client chose for the conversation (<c>X-Parley-Conversation</c>), or <see langword="null"/>.</summary>
    public string? ClientId { get; init; }

    /// <summary>Gets the number of chat turns (any status).</summary>
    public required int TurnCount { get; init; }

    /// <summary>Gets the number of stored messages.</summary>
    public required int MessageCount { get; init; }

    /// <summary>Gets the total tokens of all turns, chat and summary.</summary>
    public required long TotalTokens { get; init; }

    /// <summary>Gets the total cost in US dollars of all turns, chat and summary; <see langword="null"/> when no turn had a known cost.</summary>
    public decimal? TotalCostUsd { get; init; }

    /// <summary>Gets when the conversation was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the conversation last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
