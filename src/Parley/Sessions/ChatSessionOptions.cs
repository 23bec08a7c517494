using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>How a <see cref="ChatSession"/> behaves. Null properties mean "the provider's default".</summary>
public sealed class ChatSessionOptions
{
    /// <summary>The model id to request.</summary>
    public string? Model { get; set; }

    /// <summary>The system message that starts every conversation (kept by <see cref="ChatSession.ResetAsync"/>).</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>
    /// True (default): each turn sends the conversation so far (the tutorial's <c>chat_with_memory</c>).
    /// False: each turn sends only the system message, the initial messages and the new question.
    /// </summary>
    public bool Memory { get; set; } = true;

    /// <summary>Messages that start the conversation after the system message (few-shot examples, an imported history).</summary>
    public IList<ChatMessage> InitialMessages { get; set; } = [];

    /// <summary>Request settings (temperature, max tokens, stop sequences, …). Cloned for every request.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>Chooses which part of the history is sent (null: all of it).</summary>
    public IChatReducer? Context { get; set; }

    /// <summary>Prices a call from its model and usage; null result = unknown price.</summary>
    public Func<string?, UsageDetails?, decimal?>? PriceCall { get; set; }

    /// <summary>The clock used for latency and time to first token.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
