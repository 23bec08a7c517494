using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// A stored conversation laid out for reading and export: the system prompt first, then the messages in order, each
/// turn attached to its answer (or to its question when no answer was saved). The entries are exactly the OpenAI
/// messages array the conversation would send.
/// </summary>
internal sealed class Transcript
{
    private readonly Dictionary<long, int> _indexBySequence = [];

    private Transcript(StoredConversation stored, IReadOnlyList<TranscriptEntry> entries, IReadOnlyList<TurnRecord> summaryCalls)
    {
        Stored = stored;
        Entries = entries;
        SummaryCalls = summaryCalls;
        var index = 0; // in the exported messages array, where a message with several tool results is several objects
        for (var i = 0; i < entries.Count; i++)
        {
            var count = OpenAIMessageFormat.ObjectCount(entries[i].Message);
            if (entries[i].Sequence is { } sequence)
            {
                _indexBySequence[sequence] = index + count - 1;
            }

            index += count;
        }
    }

    public StoredConversation Stored { get; }

    public ConversationRecord Conversation => Stored.Conversation;

    public IReadOnlyList<TranscriptEntry> Entries { get; }

    /// <summary>Calls that folded old messages into the running summary (their usage is part of the conversation's).</summary>
    public IReadOnlyList<TurnRecord> SummaryCalls { get; }

    /// <summary>Chat turns, in the order they began.</summary>
    public IEnumerable<TurnRecord> ChatTurns => Stored.Turns.Where(t => !t.IsSummary);

    public static Transcript From(StoredConversation stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var byAnswer = new Dictionary<long, TurnRecord>();
        var unanswered = new Dictionary<long, TurnRecord>();
        foreach (var turn in stored.Turns.Where(t => !t.IsSummary))
        {
            if (turn.AssistantSequence is { } answer)
            {
                byAnswer[answer] = turn;
            }
            else if (turn.UserSequence is { } question)
            {
                unanswered[question] = turn;
            }
        }

        var entries = new List<TranscriptEntry>();
        var messages = stored.Messages;
        if (stored.Conversation.SystemPrompt is { Length: > 0 } system
            && !(messages.Count > 0 && messages[0].Message.Role == ChatRole.System && messages[0].Message.Text == system))
        {
            entries.Add(new TranscriptEntry(new ChatMessage(ChatRole.System, system), null, null));
        }

        foreach (var message in messages)
        {
            var turn = byAnswer.GetValueOrDefault(message.Sequence) ?? unanswered.GetValueOrDefault(message.Sequence);
            entries.Add(new TranscriptEntry(message.Message, message.Sequence, turn));
        }

        return new Transcript(stored, entries, [.. stored.Turns.Where(t => t.IsSummary)]);
    }

    /// <summary>The index in <see cref="Entries"/> (the exported messages array) of the message with this sequence number.</summary>
    public int? IndexOf(long? sequence) =>
        sequence is { } s && _indexBySequence.TryGetValue(s, out var index) ? index : null;
}
