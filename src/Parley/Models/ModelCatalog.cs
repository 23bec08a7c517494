using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley;

/// <summary>
/// The models Parley knows: limits, tokenizer, prices and request capabilities. <see cref="BuiltIn"/> is read from the
/// catalog embedded in the library; <see cref="WithOverrides"/> layers the config file's <c>"models"</c> object on top.
/// Lookups resolve dated snapshots, fine-tunes and Ollama tags to their family; other unknown ids stay unknown.
/// </summary>
public sealed class ModelCatalog
{
    private const string ResourceName = "Parley.Models.catalog.json";

    private static readonly Lazy<ModelCatalog> BuiltInCatalog = new(LoadBuiltIn, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly IReadOnlyDictionary<string, ChatFraming> framings;
    private readonly List<CatalogEntry> entries;
    private readonly Dictionary<string, CatalogEntry> byName;

    private ModelCatalog(IReadOnlyDictionary<string, ChatFraming> framings, List<CatalogEntry> entries)
    {
        this.framings = framings;
        this.entries = entries;
        byName = new Dictionary<string, CatalogEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (CatalogEntry entry in entries)
        {
            byName[entry.Id] = entry;
        }

        // Aliases never shadow a real id.
        foreach (CatalogEntry entry in entries)
        {
            foreach (string alias in entry.Aliases)
            {
                byName.TryAdd(alias, entry);
            }
        }

        Models = entries.Select(e => e.Info).ToArray();
    }

    /// <summary>The catalog shipped with Parley (OpenAI chat models and common Ollama models).</summary>
    public static ModelCatalog BuiltIn => BuiltInCatalog.Value;

    /// <summary>All models, in catalog order.</summary>
    public IReadOnlyList<ModelInfo> Models { get; }

    /// <summary>
    /// Parses a catalog document <c>{"framings": {...}, "models": {ID: {...}}}</c> in the format of the embedded
    /// catalog (snake_case fields).
    /// </summary>
    /// <param name="json">The catalog JSON.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="FormatException">The JSON has an unknown field or a bad value.</exception>
    public static ModelCatalog Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        (Dictionary<string, ChatFraming> parsedFramings, List<CatalogEntry> parsedEntries) = ModelCatalogReader.ParseDocument(json);
        return new ModelCatalog(parsedFramings, parsedEntries);
    }

    /// <summary>
    /// Finds the catalog entry for a model id as a server names it. Exact ids and aliases win; then only the patterns
    /// servers really use: dated snapshots (<c>gpt-4o-2024-08-06</c>, <c>gpt-4-0613</c>) of hosted models and tags
    /// (<c>qwen2.5:7b-instruct-q4_K_M</c>) of Ollama models resolve to their family, and fine-tunes
    /// (<c>ft:gpt-4o-mini-2024-07-18:org::id</c>) to their base with fine-tuned prices, or unknown prices. Any other
    /// id (<c>gpt-4o-mni</c>, <c>gpt-4o-foo</c>, <c>gpt-5.7</c>) is unknown: no price is guessed for it.
    /// </summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The model, or null when no family matches.</returns>
    public ModelInfo? Find(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        if (byName.TryGetValue(modelId.Trim(), out CatalogEntry? exact))
        {
            return exact.Info; // an id added as it is (With), e.g. a local file's "ollama/NAME", before any normalization
        }

        string id = ModelIdResolver.Normalize(modelId);
        if (id.Length == 0)
        {
            return null;
        }

        string? fineTuneBase = ModelIdResolver.FineTuneBase(id);
        if (fineTuneBase is null)
        {
            return FindEntry(id)?.Info;
        }

        CatalogEntry? baseEntry = FindEntry(fineTuneBase);
        if (baseEntry is null)
        {
            return null;
        }

        FineTunePrices? prices = baseEntry.FineTuned;
        return baseEntry.Info with
        {
            InputPerMillion = prices?.InputPerMillion,
            CachedInputPerMillion = prices?.CachedInputPerMillion,
            OutputPerMillion = prices?.OutputPerMillion,
            Source = prices is null
                ? $"fine-tune of {baseEntry.Id}: fine-tuned prices unknown (add them under \"models\" in the config)"
                : $"fine-tune of {baseEntry.Id}: fine_tuned prices; {baseEntry.Info.Source}",
        };
    }

    /// <summary>
    /// Like <see cref="Find"/>, but never null: an unknown model gets a placeholder with unknown prices, no
    /// tokenizer (counts are calibrated estimates) and <c>max_tokens</c>, as OpenAI-compatible servers expect.
    /// </summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The catalog model, or a placeholder whose <see cref="ModelInfo.Id"/> is <paramref name="modelId"/>.</returns>
    public ModelInfo Resolve(string modelId) => Find(modelId) ?? new ModelInfo
    {
        Id = modelId.Trim(),
        Provider = "unknown",
        Source = "not in the model catalog",
    };

    /// <summary>
    /// Returns a new catalog with the config file's <c>"models"</c> object layered on top. Each field replaces the
    /// built-in one; an id not in the catalog becomes a new model that starts from the family it resolves to (if any).
    /// Field names are those of the embedded catalog (snake_case).
    /// </summary>
    /// <param name="models">The <c>"models"</c> object: <c>{ID: {field: value, ...}, ...}</c>.</param>
    /// <returns>The layered catalog; this catalog is unchanged.</returns>
    /// <exception cref="FormatException">An override has an unknown field or a bad value.</exception>
    public ModelCatalog WithOverrides(JsonElement models)
    {
        if (models.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return this;
        }

        if (models.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("\"models\" must be an object of model ids.");
        }

        var layered = new List<CatalogEntry>(entries);
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < layered.Count; i++)
        {
            index[layered[i].Id] = i;
        }

        foreach (JsonProperty property in models.EnumerateObject())
        {
            string id = property.Name.Trim();
            // From the element, not its raw text: the config file's comments and trailing commas are in the raw text.
            JsonObject patch = property.Value.ValueKind == JsonValueKind.Object
                ? JsonObject.Create(property.Value)!
                : throw new FormatException($"Model '{id}' in \"models\" must be an object.");

            JsonObject merged;
            string? baseSource;
            if (index.TryGetValue(id, out int existing))
            {
                merged = (JsonObject)layered[existing].Raw.DeepClone();
                baseSource = layered[existing].Info.Source;
            }
            else
            {
                CatalogEntry? family = FindEntry(ModelIdResolver.Normalize(id));
                merged = family is null ? [] : (JsonObject)family.Raw.DeepClone();
                merged.Remove("aliases");
                merged.Remove("fine_tuned");
                baseSource = family is null ? null : $"based on {family.Id}: {family.Info.Source}";
            }

            bool pricesChanged = false;
            foreach ((string field, JsonNode? value) in patch)
            {
                merged[field] = value?.DeepClone();
                pricesChanged |= field.EndsWith("_per_million", StringComparison.Ordinal) || field == "fine_tuned";
            }

            if (!patch.ContainsKey("source"))
            {
                merged["source"] = baseSource is null
                    ? "user config"
                    : $"user config ({string.Join(", ", patch.Select(p => p.Key))}) over {baseSource}";
            }

            if (pricesChanged && !patch.ContainsKey("price_date"))
            {
                merged.Remove("price_date");
            }

            CatalogEntry entry = ModelCatalogReader.Materialize(id, merged, framings);
            if (index.TryGetValue(id, out existing))
            {
                layered[existing] = entry;
            }
            else
            {
                index[id] = layered.Count;
                layered.Add(entry);
            }
        }

        return new ModelCatalog(framings, layered);
    }

    /// <summary>
    /// Returns a new catalog with <paramref name="model"/> added under its <see cref="ModelInfo.Id"/>, replacing an entry
    /// with that id: a model known only at run time, such as a local GGUF file whose limits come from its metadata.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <returns>The new catalog; this catalog is unchanged.</returns>
    public ModelCatalog With(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entry = new CatalogEntry(model.Id, [], model, [], null);
        var layered = new List<CatalogEntry>(entries.Count + 1);
        layered.AddRange(entries.Where(e => !string.Equals(e.Id, model.Id, StringComparison.OrdinalIgnoreCase)));
        layered.Add(entry);
        return new ModelCatalog(framings, layered);
    }

    /// <summary>
    /// The cheapest non-reasoning model of a provider with known prices (input plus output price per million), for
    /// background work such as summaries. Ties keep catalog order.
    /// </summary>
    /// <param name="provider">The provider, e.g. <c>openai</c> or <c>ollama</c>.</param>
    /// <returns>The model, or null when the provider has none with known prices.</returns>
    public ModelInfo? Cheapest(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return Models
            .Where(m => string.Equals(m.Provider, provider, StringComparison.OrdinalIgnoreCase)
                && !m.IsReasoning && m.InputPerMillion is not null && m.OutputPerMillion is not null)
            .OrderBy(m => m.InputPerMillion!.Value + m.OutputPerMillion!.Value)
            .FirstOrDefault();
    }

    private CatalogEntry? FindEntry(string normalizedId)
    {
        if (byName.TryGetValue(normalizedId, out CatalogEntry? entry))
        {
            return entry;
        }

        // Only the patterns servers really use: a dated snapshot of a hosted model, a tag of an Ollama model.
        if (ModelIdResolver.Undated(normalizedId) is { } undated
            && byName.TryGetValue(undated, out entry) && entry.Info.Provider != ModelInfo.OllamaProvider)
        {
            return entry;
        }

        if (ModelIdResolver.OllamaFamily(normalizedId) is { } family
            && byName.TryGetValue(family, out entry) && entry.Info.Provider == ModelInfo.OllamaProvider)
        {
            return entry;
        }

        return null;
    }

    private static ModelCatalog LoadBuiltIn()
    {
        using Stream stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded model catalog {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
