namespace Parley.Server;

/// <summary>
/// Settings of the gateway that <see cref="ParleyGatewayServiceCollectionExtensions.AddParleyGateway"/> adds. Every
/// source left null is loaded the way the <c>parley</c> CLI loads it: the environment and <c>.env</c> of the working
/// directory, the config file, the built-in model catalog with the config's <c>models</c>, and the history database.
/// </summary>
public sealed class ParleyGatewayOptions
{
    /// <summary>The default <see cref="MaxRequestBodyBytes"/>: 4 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>How upstreams are resolved (<c>provider:model</c>, aliases, keys and base URLs); null: as the CLI resolves them.</summary>
    public ProviderResolver? Providers { get; set; }

    /// <summary>Context windows, output limits and prices; null: the built-in catalog with the config file's <c>models</c>.</summary>
    public ModelCatalog? Catalog { get; set; }

    /// <summary>Where every exchange is saved; null: the history database the CLI uses (opened at start, closed at stop).</summary>
    public IConversationLog? ConversationLog { get; set; }

    /// <summary>
    /// The virtual keys, budgets and their spend; null: <see cref="ConversationLog"/> when it keeps keys (the SQLite and
    /// PostgreSQL stores do). Needed unless <see cref="AllowAnonymous"/> is set.
    /// </summary>
    public IApiKeyStore? ApiKeys { get; set; }

    /// <summary>Retries of upstream 429/5xx and connection failures; null: Parley's defaults.</summary>
    public ResilienceOptions? Resilience { get; set; }

    /// <summary>The largest request body accepted; a larger one is answered 413. Default 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>How many named conversations the gateway keeps loaded between their turns (least recently used let go first).</summary>
    internal int CachedConversations { get; set; } = ConversationCache.DefaultMaxConversations;

    /// <summary>How many messages the kept conversations may hold in all.</summary>
    internal int CachedMessages { get; set; } = ConversationCache.DefaultMaxMessages;

    /// <summary>How many exchanges may wait for the history writer; when that many wait, a request waits to queue its own.</summary>
    internal int HistoryQueueCapacity { get; set; } = ExchangeRecorder.DefaultQueueCapacity;

    /// <summary>
    /// False (the default) requires a virtual key on every <c>/v1</c> request. True serves everyone as
    /// <c>anonymous</c>, without keys or budgets: only for a gateway that listens on a loopback address.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>How long the model list an upstream's <c>/v1/models</c> returned is reused. Default 5 minutes.</summary>
    public TimeSpan UpstreamModelListLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
