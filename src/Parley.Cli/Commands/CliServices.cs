namespace Parley.Cli;

/// <summary>What every command needs: the environment as Parley sees it, the config, the paths and the terminal.</summary>
internal sealed class CliServices
{
    private ParleyConfig? _config;

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
            Interaction.Detail(SecretMasker.Redact(error.ToString(), provider.ApiKey));
        }
    }

    public EnvironmentSource Environment { get; }

    public ParleyPaths Paths { get; }

    public static CliServices ForProcess(InterruptController interrupts)
    {
        var interaction = ConsoleInteraction.ForProcess();
        var environment = EnvironmentSource.Load(Directory.GetCurrentDirectory());
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

    public async Task<ProviderResolver> CreateResolverAsync(CancellationToken cancellationToken) =>
        new(Environment, await LoadConfigAsync(cancellationToken).ConfigureAwait(false), Paths.ConfigFile);

    private void WarnAboutLiteralKeys(ParleyConfig config)
    {
        if (config.Providers?.Values.Any(p => !string.IsNullOrEmpty(p.ApiKey)) == true && ConfigFile.IsReadableByOthers(Paths.ConfigFile))
        {
            Interaction.Warn($"{Paths.ConfigFile} holds an API key and is readable by other users: run chmod 600 on it, or use api_key_env");
        }
    }
}
