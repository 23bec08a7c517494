using Parley.Mcp;

namespace Parley.Cli;

/// <summary>A session ready to run, with what was resolved to build it.</summary>
internal sealed record BuiltSession(
    ChatSession Session,
    ResolvedProvider Provider,
    ProviderResolver Resolver,
    IConversationStore? Store,
    string? FirstPrompt) : IAsyncDisposable
{
    /// <summary>The MCP servers whose tools the session offers (null: no tools).</summary>
    public McpToolbox? Toolbox { get; init; }

    /// <summary>Asks before each tool call (null: no tools).</summary>
    public ToolApprover? Approver { get; init; }

    public async ValueTask DisposeAsync()
    {
        if (Toolbox is not null)
        {
            await Toolbox.DisposeAsync().ConfigureAwait(false);
        }

        if (Store is not null)
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
