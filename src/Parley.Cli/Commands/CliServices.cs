namespace Parley.Cli;

/// <summary>What every command needs: the environment as Parley sees it, the config, the paths and the terminal.</summary>
internal sealed class CliServices
{
    private ParleyConfig? _config;
    private ModelCatalog? _catalog;
    private readonly Dictionary<string, TokenCounter> _endpointCounters = new(StringComparer.Ordinal);
    private TokenCounter? _tokenCounter;

    public CliServices(ConsoleInteraction interaction, EnvironmentSource environment, ParleyPaths paths, InterruptController interrupts)
    {
        Interrupts = interrupts;
        Interaction = interaction;
        Environment = environment;
        Paths = paths;
    }

    public ConsoleInteraction Interaction { get; }

    public InterruptController Interrupts { get; }

    /// <summary>True under <c>--verbose</c>: errors also show their stack trace.</summary>
    public bool Verbose { get; set; }

    /// <summary>Reports a provider failure: one line, plus the details under <c>--verbose</c>.</summary>
    public void ReportApiError(ParleyApiException error, ResolvedProvider provider)
    {
        Interaction.Error(ApiErrorDescriber.Describe(error, provider));
        if (Verbose)
        {
            Interaction.Detail(provider.Secrets.Redact(error.ToString()));
        }
    }

    public EnvironmentSource Environment { get; }

    public ParleyPaths Paths { get; }

    /// <summary>The <c>--db</c> option: a PostgreSQL database to use instead of the SQLite file (else <c>PARLEY_DATABASE_URL</c>).</summary>
    public string? DatabaseUrl { get; set; }

    /// <summary>The PostgreSQL database in use and where its URL came from, or <see langword="null"/> for the SQLite file.</summary>
    public (string Url, string Source)? ServerDatabaseUrl =>
        !string.IsNullOrWhiteSpace(DatabaseUrl) ? (DatabaseUrl, "--db")
        : Environment.Get("PARLEY_DATABASE_URL") is { Length: > 0 } url && !string.IsNullOrWhiteSpace(url) ? (url, "PARLEY_DATABASE_URL")
        : null;

    /// <summary>Where conversations are kept, for display: the SQLite file, or the PostgreSQL database without its password.</summary>
    public string DatabaseLocation => ServerDatabaseUrl is { } server ? ServerDatabase.Describe(server.Url) : Paths.DatabaseFile;

    public static CliServices ForProcess(InterruptController interrupts)
    {
        var interaction = ConsoleInteraction.ForProcess();
        var environment = EnvironmentSource.Load(Directory.GetCurrentDirectory());
        foreach (var warning in environment.DotEnvWarnings)
        {
            interaction.Warn(warning);
        }

        var paths = ParleyPaths.Resolve(environment.Get);
        return new CliServices(interaction, environment, paths, interrupts);
    }

    public async Task<ParleyConfig> LoadConfigAsync(CancellationToken cancellationToken)
    {
        if (_config is null)
        {
            _config = await ConfigFile.LoadAsync(Paths.ConfigFile, cancellationToken).ConfigureAwait(false);
            WarnAboutLiteralKeys(_config);
        }

        return _config;
    }

    /// <summary>Facts learned about models (calibration ratios, context limits) in the data directory.</summary>
    public LearnedModelFacts LearnedFacts => new(Paths.LearnedFactsFile);

    /// <summary>A token counter that calibrates in memory only, for commands that talk to several endpoints at once.</summary>
    public TokenCounter TokenCounter => _tokenCounter ??= new TokenCounter();

    /// <summary>
    /// The token counter for one server (one per endpoint and process): its calibration ratios are read from and saved
    /// to <see cref="LearnedFacts"/> under that endpoint, never shared with another server serving the same model name.
    /// </summary>
    public TokenCounter TokenCounterFor(Uri endpoint)
    {
        var key = LearnedModelFacts.EndpointKey(endpoint);
        if (!_endpointCounters.TryGetValue(key, out var counter))
        {
            counter = new TokenCounter(LearnedFacts, endpoint);
            _endpointCounters[key] = counter;
        }

        return counter;
    }

    /// <summary>Loads the tokenizer in the background when a request will be counted (one per process).</summary>
    public TokenizerWarmup TokenizerWarmup { get; init; } = new();

    /// <summary>The built-in catalog with the config file's <c>models</c> layered over it.</summary>
    public async Task<ModelCatalog> LoadCatalogAsync(CancellationToken cancellationToken)
    {
        if (_catalog is null)
        {
            var config = await LoadConfigAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _catalog = config.Models is { } models ? ModelCatalog.BuiltIn.WithOverrides(models) : ModelCatalog.BuiltIn;
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or ArgumentException or InvalidOperationException)
            {
                throw new ParleyConfigurationException($"the \"models\" section of {Paths.ConfigFile} is invalid: {e.Message}", e);
            }
        }

        return _catalog;
    }

    /// <summary>
    /// Opens the conversation database (created on first use): the PostgreSQL database of <c>--db</c> or
    /// <c>PARLEY_DATABASE_URL</c> when given, else the SQLite file, and says when it imported answers that an earlier run
    /// left in recovery files. <c>PARLEY_DB_WAIT_MS</c> sets how long a finished answer waits for a locked database.
    /// </summary>
    public async Task<IConversationStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        if (ServerDatabaseUrl is { } server)
        {
            return await ServerDatabase.OpenAsync(server.Url, server.Source, cancellationToken).ConfigureAwait(false);
        }

        var wait = Environment.Get("PARLEY_DB_WAIT_MS") is { } text && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : (TimeSpan?)null;
        var store = await SqliteConversationStore.OpenAsync(Paths.DatabaseFile, new ConversationStoreOptions { SaveWait = wait }, cancellationToken).ConfigureAwait(false);
        if (store.ImportedRecoveryCount is > 0 and var imported)
        {
            Interaction.Note($"imported {Wording.Count(imported, "answer")} that an earlier run saved to a recovery file while the database was locked");
        }

        return store;
    }

    public async Task<ProviderResolver> CreateResolverAsync(CancellationToken cancellationToken) =>
        new(Environment, await LoadConfigAsync(cancellationToken).ConfigureAwait(false), Paths.ConfigFile, Interaction.Secrets);

    private void WarnAboutLiteralKeys(ParleyConfig config)
    {
        if (config.Providers?.Values.Any(p => !string.IsNullOrEmpty(p.ApiKey)) == true && ConfigFile.IsReadableByOthers(Paths.ConfigFile))
        {
            Interaction.Warn($"{Paths.ConfigFile} holds an API key and is readable by other users: run chmod 600 on it, or use api_key_env");
        }
    }
}
