namespace Parley;

/// <summary>An id prefix matches more than one conversation; <see cref="Candidates"/> lists them.</summary>
public sealed class AmbiguousConversationIdException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="AmbiguousConversationIdException"/> class.</summary>
    public AmbiguousConversationIdException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AmbiguousConversationIdException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public AmbiguousConversationIdException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AmbiguousConversationIdException"/> class.</summary>
    /// <param name="prefix">The ambiguous prefix.</param>
    /// <param name="candidates">The conversations it matches.</param>
    public AmbiguousConversationIdException(string prefix, IReadOnlyList<(string Id, string? Title)> candidates)
        : base(BuildMessage(prefix, candidates), "idOrPrefix")
    {
        Prefix = prefix;
        Candidates = candidates;
    }

    /// <summary>Gets the ambiguous prefix.</summary>
    public string? Prefix { get; }

    /// <summary>Gets the conversations the prefix matches (at most 10 are listed).</summary>
    public IReadOnlyList<(string Id, string? Title)> Candidates { get; } = [];

    private static string BuildMessage(string prefix, IReadOnlyList<(string Id, string? Title)> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var lines = candidates.Select(c => $"  {c.Id}  {c.Title ?? "(untitled)"}");
        return $"The id prefix '{prefix}' matches more than one conversation; type more characters:"
            + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
