using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// One exchange to save: the messages the client sent, the answer (possibly partial), how it ended, and the summary
/// calls made to fit it (<c>X-Parley-Context: summarize</c>), saved as summary turns with their own usage and cost.
/// </summary>
internal sealed record SavedExchange(
    string Provider,
    string Model,
    IReadOnlyList<ChatMessage> Messages,
    ChatMessage? Answer,
    TurnOutcome Outcome,
    string? KeyName = null,
    IReadOnlyList<TurnOutcome>? SummaryCalls = null);
