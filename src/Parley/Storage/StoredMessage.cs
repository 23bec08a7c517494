using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>A message as stored: its place in the conversation, the message and its cached token counts.</summary>
public sealed class StoredMessage
{
    /// <summary>Gets the conversation the message belongs to.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the message's position in the conversation, starting at 1.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets the message: its role and contents as saved — text, tool calls, tool results, attachments (<see cref="ChatMessage.CreatedAt"/> is set too).</summary>
    public required ChatMessage Message { get; init; }

    /// <summary>Gets the message's token count per tokenizer encoding (for example <c>o200k_base</c>); empty when not counted.</summary>
    public required IReadOnlyDictionary<string, int> TokenCounts { get; init; }

    /// <summary>Gets when the message was stored.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
