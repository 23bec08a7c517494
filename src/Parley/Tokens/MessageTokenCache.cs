using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>What a message's counts are cached by: the tokenizer and the image rule (gpt-4o and gpt-4o-mini share one tokenizer but not image prices).</summary>
internal readonly record struct CountKey(string Encoding, ImageTokenRule? Images);

/// <summary>The counted parts of one message for one <see cref="CountKey"/>. Role and framing are added per model.</summary>
internal sealed class MessageCount
{
    public required CountKey Key { get; init; }

    /// <summary>Tokens of the content: text parts, author name, tool calls and results, images.</summary>
    public required int ContentTokens { get; init; }

    /// <summary>How many wire messages the message becomes (a tool message with n results becomes n messages).</summary>
    public required int WireMessages { get; init; }

    public required bool HasName { get; init; }

    /// <summary>True when a part was estimated (tool calls, images of unknown size, other media).</summary>
    public required bool Estimated { get; init; }

    // What the count was taken from; a change means the message was edited after it was counted.
    public required int ContentsCount { get; init; }

    public required string? AuthorName { get; init; }

    public required ChatRole Role { get; init; }

    /// <summary>Extra tokens when the message is a system message padded with a newline because tools are present.</summary>
    public int? SystemPadding { get; set; }

    public bool Matches(ChatMessage message) =>
        ContentsCount == message.Contents.Count && AuthorName == message.AuthorName && Role == message.Role;
}

/// <summary>Per-message cache: a message is tokenized once per <see cref="CountKey"/>.</summary>
internal sealed class MessageTokenCache
{
    private readonly object gate = new();
    private MessageCount[] counts = [];

    public MessageCount? Get(CountKey key, ChatMessage message)
    {
        lock (gate)
        {
            foreach (MessageCount count in counts)
            {
                if (count.Key == key)
                {
                    return count.Matches(message) ? count : null;
                }
            }

            return null;
        }
    }

    public void Set(MessageCount count)
    {
        lock (gate)
        {
            MessageCount[] updated = counts.Where(c => c.Key != count.Key).Append(count).ToArray();
            counts = updated;
        }
    }
}
