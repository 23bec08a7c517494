using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>A finished turn that could not be saved because the database stayed locked: one line of a recovery file.</summary>
internal sealed record RecoveredTurn
{
    public required string TurnId { get; init; }

    public required string ConversationId { get; init; }

    public required long UserSequence { get; init; }

    /// <summary>The messages of the answer in order — tool calls and results, then the final answer — or none (e.g. a failed call).</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    public required TurnOutcome Outcome { get; init; }
}
