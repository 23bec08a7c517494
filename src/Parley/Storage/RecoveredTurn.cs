using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>A finished turn that could not be saved because the database stayed locked: one line of a recovery file.</summary>
internal sealed record RecoveredTurn
{
    public required string TurnId { get; init; }

    public required string ConversationId { get; init; }

    public required long UserSequence { get; init; }

    /// <summary>The answer's text (null: the turn has no answer, e.g. a failed call).</summary>
    public string? AssistantText { get; init; }

    public string? AssistantMessageId { get; init; }

    public required TurnOutcome Outcome { get; init; }

    /// <summary>The answer as the message to store, or null.</summary>
    public ChatMessage? AssistantMessage => AssistantText is null ? null : new ChatMessage(ChatRole.Assistant, AssistantText) { MessageId = AssistantMessageId };
}
