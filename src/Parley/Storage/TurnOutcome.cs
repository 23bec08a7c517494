using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>How a model call ended: what is recorded for a chat turn or a summary call.</summary>
public sealed record TurnOutcome
{
    /// <summary>Gets the final status; <see cref="TurnStatus.Pending"/> is not allowed. Defaults to <see cref="TurnStatus.Complete"/>.</summary>
    public TurnStatus Status { get; init; } = TurnStatus.Complete;

    /// <summary>Gets the model that answered (as the provider reported it, when it did).</summary>
    public string? Model { get; init; }

    /// <summary>Gets why the model stopped.</summary>
    public ChatFinishReason? FinishReason { get; init; }

    /// <summary>Gets the token usage the provider reported: input, output, cached input, reasoning and total.</summary>
    public UsageDetails? Usage { get; init; }

    /// <summary>Gets the cost in US dollars, or <see langword="null"/> when the model's price is unknown.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Gets the time from sending the request to the end of the answer.</summary>
    public TimeSpan? Latency { get; init; }

    /// <summary>Gets the time from sending the request to the first streamed token.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    /// <summary>Gets the error text for a failed or interrupted turn. It must not contain secrets.</summary>
    public string? Error { get; init; }

    /// <summary>Gets how many earlier messages the context policy left out of the request (null: not a chat turn, or unknown).</summary>
    public int? MessagesDropped { get; init; }

    /// <summary>
    /// Gets how many earlier messages were sent only as the running summary; for a summary call, how many it folded into
    /// the summary (null: unknown).
    /// </summary>
    public int? MessagesSummarized { get; init; }
}
