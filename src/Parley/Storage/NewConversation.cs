namespace Parley;

/// <summary>The settings a new conversation starts with. Every property is optional.</summary>
public sealed class NewConversation
{
    /// <summary>Gets the title; when <see langword="null"/> the first user message (shortened) becomes the title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the provider name from the settings (for example <c>openai</c> or <c>ollama</c>).</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model the conversation uses.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the system prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Gets a short description of the context policy (for example <c>summarize(0.75)</c>).</summary>
    public string? ContextPolicy { get; init; }

    /// <summary>Gets the name of the virtual key whose requests make the conversation (<c>parley serve</c>); <see langword="null"/> otherwise.</summary>
    public string? KeyName { get; init; }

    /// <summary>
    /// Gets the id a client chose for the conversation (<c>parley serve</c>'s <c>X-Parley-Conversation</c>); unique per
    /// <see cref="KeyName"/>. When a conversation with this id and key exists, <see cref="IConversationLog.CreateConversationAsync"/>
    /// returns it instead of creating one (also when two callers race to create it).
    /// </summary>
    public string? ClientId { get; init; }
}
