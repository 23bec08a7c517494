namespace Parley.Cli;

/// <summary>A session ready to run, with what was resolved to build it.</summary>
internal sealed record BuiltSession(
    ChatSession Session,
    ResolvedProvider Provider,
    ProviderResolver Resolver,
    IConversationStore? Store,
    string? FirstPrompt) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Store?.DisposeAsync() ?? ValueTask.CompletedTask;
}
