namespace Parley.Hosting;

/// <summary>
/// Layers command-line flags, the environment, <c>.env</c>, <c>config.json</c> and the built-in defaults into one
/// <see cref="ResolvedProvider"/>. Precedence: flag &gt; environment &gt; .env &gt; config &gt; built-in.
/// </summary>
public sealed class ProviderResolver
{
    /// <summary>Environment variable naming the provider to use.</summary>
    public const string ProviderVariable = "PARLEY_PROVIDER";

    /// <summary>Environment variable naming the model to use.</summary>
    public const string ModelVariable = "PARLEY_MODEL";

    private readonly EnvironmentSource _environment;
    private readonly ParleyConfig _config;
    private readonly string _configPath;
    private readonly Dictionary<string, ProviderSettings> _providers;

    /// <summary>Creates a resolver over the given sources.</summary>
    /// <param name="environment">The process environment and .env.</param>
    /// <param name="config">The config file's content.</param>
    /// <param name="configPath">Where the config file is (named in errors).</param>
    /// <param name="secrets">
    /// The registry the configured secrets are added to (every provider's key and base-URL secrets, and the flags'
    /// key and URL at <see cref="Resolve"/>); a new one when null. Available as <see cref="Secrets"/>.
    /// </param>
    public ProviderResolver(EnvironmentSource environment, ParleyConfig config, string configPath, SecretRedactor? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(configPath);
        _environment = environment;
        _config = config;
        _configPath = configPath;
        _providers = new Dictionary<string, ProviderSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, settings) in BuiltInProviders.Create(environment))
        {
            _providers[name] = settings;
        }

        foreach (var (name, settings) in config.Providers ?? [])
        {
            _providers[name] = _providers.TryGetValue(name, out var builtIn) ? Merge(builtIn, settings) : settings;
        }

        Secrets = secrets ?? new SecretRedactor();
        foreach (var settings in _providers.Values)
        {
            Secrets.Add(settings.ApiKey);
            Secrets.Add(NonEmpty(settings.ApiKeyEnv) is { } variable ? environment.Get(variable) : null);
            Secrets.AddUrl(settings.BaseUrl);
        }

        Secrets.AddUrl(environment.Get("OPENAI_BASE_URL"));
    }

    /// <summary>Every secret the configuration holds; errors and saved turns are masked with it.</summary>
    public SecretRedactor Secrets { get; }

    /// <summary>The names of every provider known (built-in and configured).</summary>
    public IReadOnlyCollection<string> ProviderNames => _providers.Keys;

    /// <summary>The merged settings of every provider.</summary>
    public IReadOnlyDictionary<string, ProviderSettings> Providers => _providers;

    /// <summary>Splits <c>provider:model</c> when the prefix names a known provider; otherwise the whole text is the model.</summary>
    public (string? Provider, string Model) SplitModel(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var colon = model.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon < model.Length - 1 && (_providers.ContainsKey(model[..colon]) || IsGgufPrefix(model[..colon])))
        {
            return (model[..colon], model[(colon + 1)..]);
        }

        return (null, model);
    }

    /// <summary>
    /// True when a provider is chosen anywhere: <c>--provider</c>, a <c>provider:model</c> prefix,
    /// <c>PARLEY_PROVIDER</c> or the config's <c>default_provider</c>. False means the built-in default applies.
    /// </summary>
    public bool NamesProvider(ConnectionOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        return NonEmpty(overrides.Provider) is not null
            || (NonEmpty(overrides.Model) is { } model && SplitModel(model).Provider is not null)
            || _environment.Get(ProviderVariable) is not null
            || NonEmpty(_config.DefaultProvider) is not null;
    }

    /// <summary>Resolves the provider, its key and the model.</summary>
    /// <param name="overrides">The command-line flags.</param>
    /// <param name="requireKey">False to resolve without checking the key (e.g. <c>parley config show</c>).</param>
    /// <exception cref="ParleyConfigurationException">An unknown provider or kind, or an invalid URL.</exception>
    /// <exception cref="MissingApiKeyException">The provider needs a key and none was found.</exception>
    public ResolvedProvider Resolve(ConnectionOverrides overrides, bool requireKey = true)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        string? modelFromFlag = null;
        string? providerFromModel = null;
        if (!string.IsNullOrWhiteSpace(overrides.Model))
        {
            (providerFromModel, modelFromFlag) = SplitModel(overrides.Model.Trim());
        }

        var explicitProvider = NonEmpty(overrides.Provider) ?? providerFromModel ?? _environment.Get(ProviderVariable);
        var name = explicitProvider ?? NonEmpty(_config.DefaultProvider) ?? BuiltInProviders.OpenAIName;
        if (IsGgufPrefix(name))
        {
            return ResolveGguf(name, modelFromFlag ?? _environment.Get(ModelVariable) ?? (explicitProvider is null ? NonEmpty(_config.DefaultModel) : null));
        }

        if (!_providers.TryGetValue(name, out var settings))
        {
            throw new ParleyConfigurationException(
                $"unknown provider '{name}': known providers are {string.Join(", ", _providers.Keys.Order(StringComparer.Ordinal))} (add one in {_configPath}).");
        }

        if (!ProviderKindNames.TryParse(settings.Kind ?? "openai-compatible", out var kind))
        {
            throw new ParleyConfigurationException(
                $"provider '{name}' in {_configPath} has an unknown kind '{settings.Kind}': use one of {string.Join(", ", ProviderKindNames.All)}.");
        }

        var usesConfigDefaultModel = explicitProvider is null
            || string.Equals(name, NonEmpty(_config.DefaultProvider) ?? BuiltInProviders.OpenAIName, StringComparison.OrdinalIgnoreCase);
        var chosenModel = modelFromFlag
            ?? _environment.Get(ModelVariable)
            ?? (usesConfigDefaultModel ? NonEmpty(_config.DefaultModel) : null)
            ?? NonEmpty(settings.DefaultModel);
        if (kind == ProviderKind.Gguf)
        {
            return ResolveGguf(name, chosenModel);
        }

        var model = chosenModel ?? BuiltInProviders.DefaultOpenAIModel;
        var aliases = settings.Aliases ?? new Dictionary<string, string>();
        if (aliases.TryGetValue(model, out var aliased))
        {
            model = aliased;
        }

        Secrets.Add(overrides.ApiKey);
        Secrets.AddUrl(overrides.BaseUrl);
        var baseUrlText = NonEmpty(overrides.BaseUrl)
            ?? (string.Equals(name, BuiltInProviders.OpenAIName, StringComparison.OrdinalIgnoreCase) ? _environment.Get("OPENAI_BASE_URL") : null)
            ?? NonEmpty(settings.BaseUrl)
            ?? throw new ParleyConfigurationException($"provider '{name}' has no base_url in {_configPath}.");
        if (!Uri.TryCreate(baseUrlText, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ParleyConfigurationException($"the base URL '{Secrets.Redact(baseUrlText)}' of provider '{name}' is not an http(s) URL.");
        }

        var keyVariable = NonEmpty(settings.ApiKeyEnv);
        var (apiKey, keySource) = NonEmpty(overrides.ApiKey) is { } flagKey ? (flagKey, "--api-key")
            : (keyVariable is null ? null : _environment.Get(keyVariable)) is { } envKey ? (envKey, KeySourceOf(keyVariable!, envKey))
            : (NonEmpty(settings.ApiKey), $"the api_key of provider '{name}' in {_configPath}");
        if (apiKey is not null && apiKey.Any(IsControl))
        {
            throw new ParleyConfigurationException(
                $"the API key from {keySource} contains a control character (a line break or similar): remove it and try again.");
        }

        var needsKey = kind is ProviderKind.OpenAI or ProviderKind.AzureOpenAI || keyVariable is not null;
        if (requireKey && needsKey && apiKey is null)
        {
            throw new MissingApiKeyException(name, keyVariable ?? "OPENAI_API_KEY", _configPath);
        }

        return new ResolvedProvider
        {
            Name = name,
            Kind = kind,
            BaseUrl = baseUrl,
            ApiKey = apiKey,
            ApiKeyVariable = keyVariable,
            Model = model,
            ApiVersion = NonEmpty(settings.ApiVersion),
            Aliases = aliases,
            Secrets = Secrets,
        };
    }

    // gguf: names a local file, not a server; a provider of that name in the config file takes precedence.
    private bool IsGgufPrefix(string name) =>
        string.Equals(name, BuiltInProviders.GgufName, StringComparison.OrdinalIgnoreCase) && !_providers.ContainsKey(name);

    // A GGUF model: a gguf entry of the config by name, else a path; its model id is the entry's name or the full path.
    private ResolvedProvider ResolveGguf(string name, string? model)
    {
        if (model is null)
        {
            throw new ParleyConfigurationException($"provider '{name}' runs a local GGUF file: name it with -m {name}:PATH (or a \"gguf\" entry of {_configPath}).");
        }

        GgufModelSettings settings;
        string id;
        if (_config.Gguf?.FirstOrDefault(e => string.Equals(e.Key, model, StringComparison.OrdinalIgnoreCase)) is { Value: { } entry } named)
        {
            settings = NonEmpty(entry.Path) is { } path
                ? Copy(entry, HomeDirectory.Expand(path, _environment.Get))
                : throw new ParleyConfigurationException($"the gguf model '{named.Key}' in {_configPath} has no \"path\".");
            id = named.Key;
        }
        else
        {
            settings = new GgufModelSettings { Path = HomeDirectory.Expand(model, _environment.Get) };
            id = settings.Path;
        }

        var file = OllamaBlobs.IsOllamaName(settings.Path!)
            ? OllamaBlobs.Find(settings.Path!, _environment)
            : Path.GetFullPath(settings.Path!);
        if (id == settings.Path && !OllamaBlobs.IsOllamaName(id))
        {
            id = file;
        }

        settings.Path = file;
        return new ResolvedProvider
        {
            Name = name,
            Kind = ProviderKind.Gguf,
            BaseUrl = new Uri(file),
            Model = id,
            Gguf = settings,
            Secrets = Secrets,
        };
    }

    private static GgufModelSettings Copy(GgufModelSettings entry, string path) => new()
    {
        Path = path,
        ContextSize = entry.ContextSize,
        Threads = entry.Threads,
        ChatTemplate = entry.ChatTemplate,
        InputPerMillion = entry.InputPerMillion,
        OutputPerMillion = entry.OutputPerMillion,
    };

    // C0 controls (CR, LF, tab, …), DEL and C1 controls: in a header they inject lines or break the request.
    private static bool IsControl(char c) => c < ' ' || c is >= '\u007f' and <= '\u009f';

    private string KeySourceOf(string variable, string value) =>
        _environment.DotEnv.TryGetValue(variable, out var fromFile) && string.Equals(fromFile, value, StringComparison.Ordinal)
            ? $"{variable} in .env"
            : $"the environment variable {variable}";

    private static ProviderSettings Merge(ProviderSettings builtIn, ProviderSettings configured) => new()
    {
        Kind = configured.Kind ?? builtIn.Kind,
        BaseUrl = configured.BaseUrl ?? builtIn.BaseUrl,
        ApiKeyEnv = configured.ApiKeyEnv ?? builtIn.ApiKeyEnv,
        ApiKey = configured.ApiKey ?? builtIn.ApiKey,
        DefaultModel = configured.DefaultModel ?? builtIn.DefaultModel,
        ApiVersion = configured.ApiVersion ?? builtIn.ApiVersion,
        Aliases = configured.Aliases ?? builtIn.Aliases,
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
