namespace Parley;

/// <summary>A conversation an ambiguous id prefix could mean.</summary>
/// <param name="Id">The full conversation id.</param>
/// <param name="Title">The conversation's title.</param>
public sealed record ConversationIdCandidate(string Id, string? Title);
