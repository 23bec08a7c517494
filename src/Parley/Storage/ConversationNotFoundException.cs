namespace Parley;

/// <summary>
/// No single stored conversation has the given id or starts with the given prefix: none does, or (a prefix) several do,
/// and then <see cref="Candidates"/> lists them.
/// </summary>
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

    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class for an ambiguous prefix.</summary>
    /// <param name="prefix">The prefix that matches several conversations.</param>
    /// <param name="candidates">The conversations it matches (id and title).</param>
    public ConversationNotFoundException(string prefix, IReadOnlyList<(string Id, string? Title)> candidates)
        : base(AmbiguousMessage(prefix, candidates))
    {
        IdOrPrefix = prefix;
        Candidates = candidates;
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public ConversationNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the id or prefix that matched no single conversation.</summary>
    public string? IdOrPrefix { get; }

    /// <summary>
    /// Gets the conversations an ambiguous prefix matches (id and title; at most 10 are listed), or an empty list when it
    /// matched none.
    /// </summary>
    public IReadOnlyList<(string Id, string? Title)> Candidates { get; } = [];

    private static string AmbiguousMessage(string prefix, IReadOnlyList<(string Id, string? Title)> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var lines = candidates.Select(c => $"  {c.Id}  {c.Title ?? "(untitled)"}");
        return $"The id prefix '{prefix}' matches more than one conversation; type more characters:"
            + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
