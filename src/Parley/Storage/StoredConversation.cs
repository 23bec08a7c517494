namespace Parley;

/// <summary>A whole conversation as stored: metadata, ordered messages and turns. The data behind export.</summary>
public sealed class StoredConversation
{
    /// <summary>Gets the conversation's metadata.</summary>
    public required ConversationRecord Conversation { get; init; }

    /// <summary>Gets the messages in sequence order.</summary>
    public required IReadOnlyList<StoredMessage> Messages { get; init; }

    /// <summary>Gets the turns (chat and summary) in the order they began.</summary>
    public required IReadOnlyList<TurnRecord> Turns { get; init; }
}
