using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Parley.Server;

/// <summary>
/// Resolves a request's model to an upstream exactly as the CLI resolves providers (<c>provider:model</c>, aliases,
/// the default provider), knows which models each upstream serves (catalog, config, aliases, and its own
/// <c>/v1/models</c>, cached), and keeps one pooled <see cref="HttpClient"/> per upstream base URL.
/// </summary>
internal sealed class UpstreamRegistry : IDisposable
{
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FailedListLifetime = TimeSpan.FromSeconds(30);
    private static readonly Uri InProcessChatUrl = new("http://in-process.invalid/v1/chat/completions");

    private readonly GatewaySources _sources;
    private readonly ParleyGatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UpstreamRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, Task<IReadOnlyList<string>> Models)> _lists = new(StringComparer.OrdinalIgnoreCase);

    public UpstreamRegistry(GatewaySources sources, ParleyGatewayOptions options, TimeProvider time)
    {
        _sources = sources;
        _options = options;
        _time = time;
    }

    /// <summary>The route of <paramref name="model"/>, or null when no upstream serves it (404 <c>model_not_found</c>).</summary>
    public async ValueTask<UpstreamRoute?> RouteAsync(string model, CancellationToken cancellationToken)
    {
        if (_routes.TryGetValue(model, out var cached))
        {
            return cached;
        }

        var resolver = _sources.Resolver;
        var (prefix, bare) = resolver.SplitModel(model.Trim());
        ResolvedProvider provider;
        try
        {
            provider = resolver.Resolve(new ConnectionOverrides { Model = model }, requireKey: false);
        }
        catch (ParleyConfigurationException)
        {
            return null;
        }

        if (provider.Kind == ProviderKind.Gguf)
        {
            return GgufRoute(model, provider);
        }

        var known = !string.Equals(bare, provider.Model, StringComparison.Ordinal)
            || _sources.Catalog.Find(provider.Model) is not null
            || (await ListAsync(provider, cancellationToken).ConfigureAwait(false)).Contains(provider.Model, StringComparer.Ordinal);
        if (!known && prefix is null)
        {
            // A model no catalog names, served by a provider other than the default: the first upstream that lists it.
            foreach (var other in UpstreamProviders())
            {
                if (!string.Equals(other.Name, provider.Name, StringComparison.OrdinalIgnoreCase)
                    && (await ListAsync(other, cancellationToken).ConfigureAwait(false)).Contains(bare, StringComparer.Ordinal))
                {
                    provider = resolver.Resolve(new ConnectionOverrides { Provider = other.Name, Model = bare }, requireKey: false);
                    known = true;
                    break;
                }
            }
        }

        if (!known)
        {
            return null;
        }

        var route = new UpstreamRoute(provider, Endpoint(provider, "chat/completions"), ClientFor(provider), _sources.Catalog.Resolve(provider.Model));
        return _routes.GetOrAdd(model, route);
    }

    // A GGUF file served in-process: loaded on first use (a missing or corrupt file serves nothing: 404), counted by
    // its own tokenizer, its window from the file.
    private UpstreamRoute? GgufRoute(string model, ResolvedProvider provider)
    {
        ModelCatalog catalog;
        try
        {
            catalog = ChatClientFactory.CatalogFor(provider, _sources.Catalog);
        }
        catch (ParleyConfigurationException)
        {
            return null;
        }

        var client = _clients.GetOrAdd(
            "gguf:" + provider.BaseUrl,
            _ => new HttpClient(new InProcessChatHandler(ChatClientFactory.Create(provider), provider.Model)) { Timeout = Timeout.InfiniteTimeSpan });
        var route = new UpstreamRoute(provider, InProcessChatUrl, client, catalog.Resolve(provider.Model));
        return _routes.GetOrAdd(model, route);
    }

    /// <summary>Every provider the gateway can forward to, resolved (keys not required), with its listed models.</summary>
    public async Task<IReadOnlyList<(ResolvedProvider Provider, IReadOnlyList<string> Models)>> ListAllAsync(CancellationToken cancellationToken)
    {
        var providers = UpstreamProviders();
        var lists = await Task.WhenAll(providers.Select(p => ListAsync(p, cancellationToken))).ConfigureAwait(false);
        return providers.Select((p, i) => (p, lists[i])).ToList();
    }

    /// <summary>The upstream's URL for <paramref name="path"/> (Ollama's native providers through their <c>/v1</c> API).</summary>
    public static Uri Endpoint(ResolvedProvider provider, string path)
    {
        var baseUrl = provider.BaseUrl.ToString().TrimEnd('/');
        if (provider.Kind == ProviderKind.Ollama)
        {
            baseUrl += "/v1";
        }

        return new Uri(baseUrl + "/" + path);
    }

    /// <summary>Adds the upstream's key, if it has one (it never leaves the gateway otherwise).</summary>
    public static void Authorize(HttpRequestMessage request, ResolvedProvider provider)
    {
        if (provider.ApiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    private List<ResolvedProvider> UpstreamProviders()
    {
        var resolver = _sources.Resolver;
        var providers = new List<ResolvedProvider>();
        foreach (var name in resolver.ProviderNames.Order(StringComparer.Ordinal))
        {
            try
            {
                var provider = resolver.Resolve(new ConnectionOverrides { Provider = name }, requireKey: true);
                if (provider.Kind is not (ProviderKind.AzureOpenAI or ProviderKind.Gguf))
                {
                    providers.Add(provider);
                }
            }
            catch (Exception e) when (e is ParleyConfigurationException or MissingApiKeyException)
            {
                // Not usable without a key or a valid URL: it serves nothing.
            }
        }

        return providers;
    }

    private Task<IReadOnlyList<string>> ListAsync(ResolvedProvider provider, CancellationToken cancellationToken)
    {
        if (provider.Kind == ProviderKind.AzureOpenAI)
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        var now = _time.GetUtcNow();
        if (_lists.TryGetValue(provider.Name, out var entry) && entry.Until > now)
        {
            return entry.Models;
        }

        var fetch = FetchAsync(provider);
        _lists[provider.Name] = (now + _options.UpstreamModelListLifetime, fetch);
        return fetch.WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<string>> FetchAsync(ResolvedProvider provider)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ListTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, Endpoint(provider, "models"));
            Authorize(request, provider);
            using var response = await ClientFor(provider).SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                using var document = await JsonDocument.ParseAsync(stream, default, timeout.Token).ConfigureAwait(false);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
                {
                    return data.EnumerateArray()
                        .Where(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                        .Select(m => m.GetProperty("id").GetString()!)
                        .ToList();
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or IOException)
        {
            // An upstream that does not answer lists nothing; asked again soon.
        }

        _lists[provider.Name] = (_time.GetUtcNow() + FailedListLifetime, Task.FromResult<IReadOnlyList<string>>([]));
        return [];
    }

    private HttpClient ClientFor(ResolvedProvider provider) =>
        _clients.GetOrAdd(provider.BaseUrl.ToString(), static _ => new HttpClient(
            new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                ConnectTimeout = TimeSpan.FromSeconds(30),
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                UseCookies = false,
            })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        });

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
