using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>What a summarizing policy needs from the session being built: the chat client and model, and how to reach other providers.</summary>
internal sealed record SummarizerSource(
    CliServices Services, ResolvedProvider Provider, ProviderResolver Resolver, ModelCatalog Catalog, IChatClient ChatClient, ReliabilitySettings Reliability);
