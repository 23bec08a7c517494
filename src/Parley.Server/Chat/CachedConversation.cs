using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// A named conversation's messages as the store last gave them, kept between its turns (<see cref="ConversationCache"/>).
/// The same message objects go into every turn's prompt, so the token counter's per-message counts and its prompt sums
/// carry over: a turn counts its new messages, not the history. Their upstream JSON is kept too (<see cref="Json"/>), so a
/// turn's upstream body joins the history's bytes instead of serializing it again.
/// </summary>
internal sealed class CachedConversation
{
    private readonly List<StoredMessage> _messages;
    private ChatMessage? _system;

    public CachedConversation(string storeId, IEnumerable<StoredMessage> messages)
    {
        StoreId = storeId;
        _messages = [.. messages];
        foreach (var message in _messages)
        {
            Json.Keep(message.Message);
        }
    }

    /// <summary>The conversation's id in the store.</summary>
    public string StoreId { get; }

    /// <summary>The upstream JSON of the kept messages and of the system message, written once each.</summary>
    public MessageJson Json { get; } = new();

    /// <summary>How many messages are kept.</summary>
    public int Count => _messages.Count;

    /// <summary>The sequence of the last message kept; 0 when there is none.</summary>
    public long LastSequence => _messages.Count == 0 ? 0 : _messages[^1].Sequence;

    /// <summary>The messages, oldest first, as they are now (a copy: a later turn may add to the conversation).</summary>
    public IReadOnlyList<StoredMessage> Snapshot() => [.. _messages];

    /// <summary>The system message for <paramref name="text"/>: the same object as last turn while the text is the same.</summary>
    public ChatMessage SystemMessage(string text)
    {
        if (_system is not { } system || !string.Equals(system.Text, text, StringComparison.Ordinal))
        {
            if (_system is not null)
            {
                Json.Forget(_system);
            }

            _system = system = new ChatMessage(ChatRole.System, text);
            Json.Keep(system);
        }

        return system;
    }

    /// <summary>
    /// Whether <paramref name="stored"/> (read from the store now) is the last message kept: same sequence, role, text and
    /// time. A message removed (truncate) and replaced under the same sequence comes back with another time or text.
    /// </summary>
    public bool EndsWith(StoredMessage stored) =>
        _messages.Count > 0
        && _messages[^1] is var last
        && last.Sequence == stored.Sequence
        && last.CreatedAt == stored.CreatedAt
        && last.Message.Role == stored.Message.Role
        && string.Equals(last.Message.Text, stored.Message.Text, StringComparison.Ordinal);

    /// <summary>Adds messages the store gained since (in order, after <see cref="LastSequence"/>).</summary>
    public void Append(IEnumerable<StoredMessage> messages)
    {
        var from = _messages.Count;
        _messages.AddRange(messages);
        for (var i = from; i < _messages.Count; i++)
        {
            Json.Keep(_messages[i].Message);
        }
    }
}
