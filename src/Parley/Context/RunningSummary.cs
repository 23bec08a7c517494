using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The summary that stands for the oldest part of a conversation: its text, and the last history message it covers
/// (every message up to that one, after the system message, is represented by the summary instead of being sent).
/// </summary>
/// <param name="Text">The summary, without the "Summary of the earlier conversation:" prefix.</param>
/// <param name="Through">The last history message the summary covers (found by reference in the history).</param>
public sealed record RunningSummary(string Text, ChatMessage Through);
