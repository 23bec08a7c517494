using Microsoft.Extensions.Hosting;

namespace Parley.Server;

/// <summary>
/// What every request shares: the provider resolver, the model catalog, the token counter, the retry policy and the
/// conversation log. Sources the options leave null are loaded at start the way the CLI loads them; a database opened
/// here is closed when the host stops.
/// </summary>
internal sealed class GatewaySources : IHostedService, IAsyncDisposable
{
    private readonly ParleyGatewayOptions _options;
    private ProviderResolver? _resolver;
    private ModelCatalog? _catalog;
    private IConversationLog? _log;
    private IConversationStore? _ownedStore;

    public GatewaySources(ParleyGatewayOptions options)
    {
        _options = options;
        _resolver = options.Providers;
        _catalog = options.Catalog;
        _log = options.ConversationLog;
        Retry = new RetryPolicy(options.Resilience);
    }

    public ProviderResolver Resolver => _resolver ?? throw NotStarted();

    public ModelCatalog Catalog => _catalog ?? throw NotStarted();

    public IConversationLog Log => _log ?? throw NotStarted();

    public TokenCounter Counter { get; } = new();

    public RetryPolicy Retry { get; }

    /// <summary>Every secret of the configuration (upstream keys and URL secrets): errors are masked with it.</summary>
    public SecretRedactor Secrets => Resolver.Secrets;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = TokenCounter.Preload(null); // the tokenizer loads in the background instead of during the first request
        if (_resolver is not null && _catalog is not null && _log is not null)
        {
            return;
        }

        var environment = EnvironmentSource.Load(Directory.GetCurrentDirectory());
        var paths = ParleyPaths.Resolve(environment.Get);
        var config = await ConfigFile.LoadAsync(paths.ConfigFile, cancellationToken).ConfigureAwait(false);
        _resolver ??= new ProviderResolver(environment, config, paths.ConfigFile);
        _catalog ??= config.Models is { } models ? ModelCatalog.BuiltIn.WithOverrides(models) : ModelCatalog.BuiltIn;
        if (_log is null)
        {
            _ownedStore = await SqliteConversationStore.OpenAsync(paths.DatabaseFile, cancellationToken).ConfigureAwait(false);
            _log = _ownedStore;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_ownedStore is not null)
        {
            await _ownedStore.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static InvalidOperationException NotStarted() =>
        new("the gateway's sources are not loaded: the host has not started.");
}
