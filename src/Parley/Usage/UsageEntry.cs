using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>One call in a <see cref="UsageLedger"/>.</summary>
/// <param name="ModelId">The model that answered.</param>
/// <param name="Usage">Tokens as the server reported them (null when it reported none).</param>
/// <param name="CostUsd">The call's cost; null when the price is unknown.</param>
/// <param name="Latency">From request to the end of the answer.</param>
internal sealed record UsageEntry(string? ModelId, UsageDetails? Usage, decimal? CostUsd, TimeSpan Latency);
