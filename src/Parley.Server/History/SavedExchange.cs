using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>One exchange to save: the messages the client sent, the answer (possibly partial) and how it ended.</summary>
internal sealed record SavedExchange(
    string Provider,
    string Model,
    IReadOnlyList<ChatMessage> Messages,
    string? Answer,
    TurnOutcome Outcome,
    string? KeyName = null);
