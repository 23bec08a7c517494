namespace Parley;

/// <summary>No stored conversation has the given id, or starts with the given prefix.</summary>
public sealed class ConversationNotFoundException : KeyNotFoundException
{
    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class.</summary>
    public ConversationNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class.</summary>
    /// <param name="idOrPrefix">The id or prefix that matched nothing.</param>
    public ConversationNotFoundException(string idOrPrefix)
        : base($"No conversation has the id '{idOrPrefix}'.")
    {
        IdOrPrefix = idOrPrefix;
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public ConversationNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the id or prefix that matched nothing.</summary>
    public string? IdOrPrefix { get; }
}
