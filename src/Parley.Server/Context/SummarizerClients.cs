using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// The clients that write running summaries for <c>X-Parley-Context: summarize</c>: one per upstream and model, built
/// by the shared provider construction (<see cref="ChatClientFactory"/>, so the upstream's key stays in the gateway)
/// with the model's request capabilities and the gateway's retry and timeout settings.
/// </summary>
internal sealed class SummarizerClients : IDisposable
{
    private readonly GatewaySources _sources;
    private readonly ParleyGatewayOptions _options;
    private readonly ConcurrentDictionary<(string Provider, string Model), Lazy<IChatClient>> _clients = new();

    public SummarizerClients(GatewaySources sources, ParleyGatewayOptions options)
    {
        _sources = sources;
        _options = options;
    }

    /// <summary>The client for <paramref name="route"/>'s upstream and model.</summary>
    public IChatClient For(UpstreamRoute route) =>
        _clients.GetOrAdd((route.Provider.Name, route.UpstreamModel), _ => new Lazy<IChatClient>(() => Create(route.Provider))).Value;

    private IChatClient Create(ResolvedProvider provider) =>
        ChatClientFactory.Create(provider, new ChatClientFactoryOptions { Catalog = _sources.Catalog, TokenCounter = _sources.Counter })
            .AsBuilder()
            .UseModelCapabilities(_sources.Catalog)
            .UseResilience(_options.Resilience)
            .Build();

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
