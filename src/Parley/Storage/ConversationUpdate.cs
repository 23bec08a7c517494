namespace Parley;

/// <summary>
/// Changes to a conversation's settings. Only conversation-level columns can change; messages and
/// turns are never rewritten. A <see langword="null"/> property leaves the value as it is.
/// </summary>
public sealed class ConversationUpdate
{
    /// <summary>Gets the new title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the new provider name.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the new model.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the new system prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Gets the new context policy description.</summary>
    public string? ContextPolicy { get; init; }

    /// <summary>Gets the new running summary of the older messages.</summary>
    public string? Summary { get; init; }

    /// <summary>Gets the sequence number of the last message the running summary covers.</summary>
    public long? SummaryThroughSequence { get; init; }
}
