using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>Builds the CLI's client pipeline: the provider client, then timeouts and retries announced on stderr.</summary>
internal static class CliChatClients
{
    public static IChatClient Create(
        ResolvedProvider provider, ReliabilitySettings reliability, ConsoleInteraction ui, ModelCatalog? catalog = null, TokenCounter? tokenCounter = null)
    {
        var inner = ChatClientFactory.Create(provider, new ChatClientFactoryOptions
        {
            ConnectTimeout = reliability.ConnectTimeout,
            Catalog = catalog,
            TokenCounter = tokenCounter,
        });
        return inner.AsBuilder()
            .UseResilience(new ResilienceOptions
            {
                MaxRetries = reliability.MaxRetries,
                IdleTimeout = reliability.IdleTimeout,
                RequestTimeout = reliability.RequestTimeout,
                OnRetry = notice => ui.Warn(notice.Describe()),
            })
            .Build();
    }
}
