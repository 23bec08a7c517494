namespace Parley;

/// <summary>A conversation that contains the searched text, with the newest matching message.</summary>
public sealed class SearchHit
{
    /// <summary>Gets the conversation id.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the conversation's title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the sequence number of the matching message.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets the matching message's role (<c>user</c>, <c>assistant</c>, …).</summary>
    public required string Role { get; init; }

    /// <summary>Gets a single-line excerpt of the message around the first match.</summary>
    public required string Snippet { get; init; }

    /// <summary>Gets when the matching message was stored.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
