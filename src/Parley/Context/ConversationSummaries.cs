using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The running summaries of the conversations a pipeline piece serves (<see cref="ContextPolicyChatClient"/>, a
/// <see cref="SummarizingPolicy"/> used as a plain reducer), each found again as a session finds its own: by the last
/// message it covers, which must be in the request (by reference), and by the conversation's id when the request names
/// one. Kept weakly under that message, so a summary lives as long as its conversation's history. Thread-safe.
/// </summary>
internal sealed class ConversationSummaries
{
    private readonly ConditionalWeakTable<ChatMessage, Entry> _byLastCovered = new();

    /// <summary>The newest summary kept for a message of <paramref name="messages"/> (and of this conversation), or null.</summary>
    public RunningSummary? Find(IReadOnlyList<ChatMessage> messages, string? conversationId)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (_byLastCovered.TryGetValue(messages[i], out var kept) && kept.ConversationId == conversationId)
            {
                return kept.Summary;
            }
        }

        return null;
    }

    /// <summary>Keeps <paramref name="summary"/> for the conversation (nothing when null).</summary>
    public void Keep(RunningSummary? summary, string? conversationId)
    {
        if (summary is not null)
        {
            _byLastCovered.AddOrUpdate(summary.Through, new Entry(conversationId, summary));
        }
    }

    private sealed record Entry(string? ConversationId, RunningSummary Summary);
}
