namespace Parley;

/// <summary>A stored conversation's metadata.</summary>
public sealed record ConversationRecord
{
    /// <summary>Gets the id: a UUID v7 as 32 lowercase hexadecimal characters.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the title, or <see langword="null"/> before the first user message.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the provider name.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the system prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Gets the context policy description.</summary>
    public string? ContextPolicy { get; init; }

    /// <summary>Gets the name of the virtual key that made the conversation through <c>parley serve</c>, or <see langword="null"/>.</summary>
    public string? KeyName { get; init; }

    /// <summary>Gets the running summary of the older messages, if any.</summary>
    public string? Summary { get; init; }

    /// <summary>Gets the sequence number of the last message the running summary covers.</summary>
    public long? SummaryThroughSequence { get; init; }

    /// <summary>Gets when the conversation was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when a message, turn or setting of the conversation last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
