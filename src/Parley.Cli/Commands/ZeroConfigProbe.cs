namespace Parley.Cli;

/// <summary>
/// Zero configuration: when no provider is chosen and OpenAI has no key, asks the Ollama address
/// (<c>OLLAMA_HOST</c>, else <c>http://localhost:11434</c>) for its installed models — one <c>GET /api/tags</c>
/// with a short timeout, the only request sent before a key is known. If Ollama answers, parley uses it with the
/// most recently modified model (or the <c>-m</c> model, when installed) and says so on stderr; otherwise the
/// missing-key message also explains how to use Ollama.
/// </summary>
internal sealed class ZeroConfigProbe
{
    /// <summary>How long the probe waits for Ollama.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);

    private readonly CliServices _services;

    public ZeroConfigProbe(CliServices services) => _services = services;

    /// <summary>True when the missing key is the built-in OpenAI default's and nothing chose a provider or a server.</summary>
    public static bool Applies(MissingApiKeyException missing, ProviderResolver resolver, ConnectionOverrides connection, EnvironmentSource environment) =>
        string.Equals(missing.ProviderName, BuiltInProviders.OpenAIName, StringComparison.OrdinalIgnoreCase)
        && !resolver.NamesProvider(connection)
        && string.IsNullOrWhiteSpace(connection.BaseUrl)
        && string.IsNullOrWhiteSpace(connection.ApiKey)
        && environment.Get("OPENAI_BASE_URL") is null;

    /// <summary>The Ollama provider to use instead; a <see cref="CliUsageException"/> with the extended hint when there is none.</summary>
    public async Task<ResolvedProvider> ResolveAsync(
        ProviderResolver resolver, ConnectionOverrides connection, MissingApiKeyException missing, CancellationToken cancellationToken)
    {
        var ollama = resolver.Resolve(new ConnectionOverrides { Provider = BuiltInProviders.OllamaName }, requireKey: false);
        var address = ollama.BaseUrl.GetLeftPart(UriPartial.Authority);
        IReadOnlyList<OllamaInstalledModel> models;
        using (var catalog = new OllamaModelCatalog(ollama.BaseUrl, connectTimeout: Timeout))
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(Timeout);
            try
            {
                models = await catalog.ListAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ParleyApiException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new CliUsageException(
                    $"{missing.Message} Or use a local model with Ollama (https://ollama.com): start it (`ollama serve`), run "
                    + $"`ollama pull {BuiltInProviders.DefaultOllamaModel}`, then run parley again (nothing answered at {address}; "
                    + "set OLLAMA_HOST if Ollama runs elsewhere, or pass -m ollama:MODEL).");
            }
        }

        if (models.Count == 0)
        {
            throw new CliUsageException(
                $"{missing.Message} Ollama is running at {address} but has no models: run `ollama pull {BuiltInProviders.DefaultOllamaModel}`, then run parley again.");
        }

        string model;
        string why;
        if (connection.Model is { Length: > 0 } requested)
        {
            model = models.FirstOrDefault(m => SameModel(m.Name, requested))?.Name
                ?? throw new CliUsageException(
                    $"{missing.Message} Ollama at {address} does not have {requested}; it has {string.Join(", ", models.Select(m => m.Name))} (pass -m ollama:NAME).");
            why = "-m";
        }
        else
        {
            model = models[0].Name;
            why = "the most recently modified model";
        }

        var provider = resolver.Resolve(connection with { Provider = BuiltInProviders.OllamaName, Model = model });
        _services.Interaction.Note($"no OPENAI_API_KEY: using Ollama at {address} with {model} ({why}; -m ollama:NAME picks another)");
        return provider;
    }

    private static bool SameModel(string installed, string requested) =>
        string.Equals(installed, requested, StringComparison.OrdinalIgnoreCase)
        || string.Equals(installed, requested + ":latest", StringComparison.OrdinalIgnoreCase);
}
