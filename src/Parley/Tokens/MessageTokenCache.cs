using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>The counted parts of one message for one encoding. Role, framing and images are added per model.</summary>
internal sealed class MessageCount
{
    private readonly object gate = new();
    private (ImageTokenRule? Rule, int Tokens, bool Exact)[] imageCounts = [];

    public required string Encoding { get; init; }

    /// <summary>Tokens of the content except images: text parts, author name, tool calls and results.</summary>
    public required int ContentTokens { get; init; }

    /// <summary>The message's images; their tokens depend on the model's image rule, not on the encoding.</summary>
    public required IReadOnlyList<AIContent> Images { get; init; }

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

    /// <summary>Tokens of the images under <paramref name="rule"/>, computed once per rule.</summary>
    public (int Tokens, bool Exact) ImageTokens(ImageTokenRule? rule)
    {
        if (Images.Count == 0)
        {
            return (0, true);
        }

        lock (gate)
        {
            foreach ((ImageTokenRule? r, int tokens, bool exact) in imageCounts)
            {
                if (Equals(r, rule))
                {
                    return (tokens, exact);
                }
            }

            int total = 0;
            bool allExact = true;
            foreach (AIContent image in Images)
            {
                total += ImageTokenEstimator.Count(image, rule, out bool exact);
                allExact &= exact;
            }

            imageCounts = [.. imageCounts, (rule, total, allExact)];
            return (total, allExact);
        }
    }
}

/// <summary>Per-message cache: a message is tokenized once per encoding.</summary>
internal sealed class MessageTokenCache
{
    private readonly object gate = new();
    private MessageCount[] counts = [];

    public MessageCount? Get(string encoding, ChatMessage message)
    {
        lock (gate)
        {
            foreach (MessageCount count in counts)
            {
                if (count.Encoding == encoding)
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
            MessageCount[] updated = counts.Where(c => c.Encoding != count.Encoding).Append(count).ToArray();
            counts = updated;
        }
    }
}
