namespace Parley;

/// <summary>A turn whose question is saved and whose answer is still to come; pass it to <see cref="IConversationLog.CompleteTurnAsync"/>.</summary>
public sealed class PendingTurn
{
    /// <summary>Gets the turn's id (32 lowercase hexadecimal characters).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the conversation the turn belongs to.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the sequence number given to the user message.</summary>
    public required long UserSequence { get; init; }

    /// <summary>Gets when the turn began.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
