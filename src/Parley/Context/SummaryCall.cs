using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>One call made to write or update a running summary: what it cost and how it ended.</summary>
public sealed record SummaryCall
{
    /// <summary>The model that wrote the summary, as the server reported it (else as requested).</summary>
    public string? ModelId { get; init; }

    /// <summary>The usage the server reported; null when it reported none or the call failed.</summary>
    public UsageDetails? Usage { get; init; }

    /// <summary>The dollar cost; null when unknown (a <see cref="ChatSession"/> fills it from the catalog).</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>From sending the request to the end of the answer.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>How many history messages the call folded into the summary.</summary>
    public int MessagesFolded { get; init; }

    /// <summary>Why the call failed (null when it succeeded).</summary>
    public string? Error { get; init; }

    /// <summary>True when the call produced a summary.</summary>
    public bool Succeeded => Error is null;
}
