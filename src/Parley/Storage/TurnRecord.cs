using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>A recorded model call: a chat turn or a summary call, with its usage, cost and timings.</summary>
public sealed record TurnRecord
{
    /// <summary>Gets the turn's id (32 lowercase hexadecimal characters).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the conversation the turn belongs to.</summary>
    public required string ConversationId { get; init; }

    /// <summary>True for a summary call (a turn that wrote the running summary), false for a chat turn (a question and its answer).</summary>
    public bool IsSummary { get; init; }

    /// <summary>Gets the turn's status.</summary>
    public required TurnStatus Status { get; init; }

    /// <summary>Gets the sequence number of the user message (chat turns).</summary>
    public long? UserSequence { get; init; }

    /// <summary>Gets the sequence number of the assistant message, when one was saved.</summary>
    public long? AssistantSequence { get; init; }

    /// <summary>Gets the model that answered.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the token usage; counts the provider did not report are <see langword="null"/>.</summary>
    public required UsageDetails Usage { get; init; }

    /// <summary>Gets the cost in US dollars, or <see langword="null"/> when unknown.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Gets the time from request to the end of the answer.</summary>
    public TimeSpan? Latency { get; init; }

    /// <summary>Gets the time from request to the first streamed token.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    /// <summary>Gets why the model stopped.</summary>
    public ChatFinishReason? FinishReason { get; init; }

    /// <summary>Gets the error text of a failed or interrupted turn.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Gets how many earlier messages the context policy left out of this chat turn's request; null for summary calls
    /// and for turns saved before Parley recorded it.
    /// </summary>
    public int? MessagesDropped { get; init; }

    /// <summary>Gets how many earlier messages this chat turn sent only as the running summary; null as for <see cref="MessagesDropped"/>.</summary>
    public int? MessagesSummarized { get; init; }

    /// <summary>Gets when the turn began.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the turn last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Gets the recovery file the turn was written to because the database stayed locked (the next open imports it);
    /// <see langword="null"/> when the turn is in the database.
    /// </summary>
    public string? RecoveryFile { get; init; }
}
