using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley;

/// <summary>One catalog entry: its raw JSON (kept for layering overrides) and what it means.</summary>
internal sealed record CatalogEntry(string Id, JsonObject Raw, ModelInfo Info, IReadOnlyList<string> Aliases, FineTunePrices? FineTuned);

/// <summary>Prices of fine-tuned variants of a model (<c>ft:BASE:...</c>).</summary>
internal sealed record FineTunePrices(decimal? InputPerMillion, decimal? CachedInputPerMillion, decimal? OutputPerMillion);

/// <summary>Reads and validates catalog JSON (the embedded catalog and the config file's <c>models</c> object share one format).</summary>
internal static class ModelCatalogReader
{
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "provider", "aliases", "context_window", "max_output_tokens", "encoding",
        "input_per_million", "cached_input_per_million", "output_per_million", "fine_tuned",
        "reasoning", "system_role", "supports_temperature", "supports_reasoning_effort",
        "max_tokens_field", "framing", "image_tokens", "image_input", "file_input", "source", "price_date", "local",
    };

    public static IReadOnlyDictionary<string, ChatFraming> DefaultFramings { get; } = new Dictionary<string, ChatFraming>(StringComparer.OrdinalIgnoreCase)
    {
        ["openai-chat"] = ChatFraming.OpenAIChat,
        ["openai-reasoning"] = ChatFraming.OpenAIReasoning,
    };

    /// <summary>Parses a whole catalog document: <c>{"framings": {...}, "models": {...}}</c>.</summary>
    public static (Dictionary<string, ChatFraming> Framings, List<CatalogEntry> Entries) ParseDocument(string json)
    {
        JsonObject root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
            ?? throw new FormatException("The model catalog must be a JSON object.");

        var framings = new Dictionary<string, ChatFraming>(DefaultFramings, StringComparer.OrdinalIgnoreCase);
        if (root["framings"] is JsonObject framingObject)
        {
            foreach ((string name, JsonNode? value) in framingObject)
            {
                framings[name] = ReadFraming(value as JsonObject ?? throw new FormatException($"Framing '{name}' must be an object."), $"framing '{name}'");
            }
        }

        var entries = new List<CatalogEntry>();
        if (root["models"] is JsonObject models)
        {
            foreach ((string id, JsonNode? value) in models)
            {
                JsonObject raw = value as JsonObject ?? throw new FormatException($"Model '{id}' must be an object.");
                entries.Add(Materialize(id, (JsonObject)raw.DeepClone(), framings));
            }
        }

        return (framings, entries);
    }

    /// <summary>Turns one raw entry into a <see cref="CatalogEntry"/>, rejecting unknown fields and bad values.</summary>
    public static CatalogEntry Materialize(string id, JsonObject raw, IReadOnlyDictionary<string, ChatFraming> framings)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new FormatException("A model id must not be empty.");
        }

        foreach ((string field, _) in raw)
        {
            if (!KnownFields.Contains(field))
            {
                throw new FormatException($"Model '{id}': unknown field '{field}'. Known fields: {string.Join(", ", KnownFields.Order(StringComparer.Ordinal))}.");
            }
        }

        string provider = String(raw, id, "provider") ?? ModelInfo.OpenAIProvider;
        string? encoding = String(raw, id, "encoding");
        if (encoding is "none" or "")
        {
            encoding = null;
        }

        string systemRole = String(raw, id, "system_role") ?? "system";
        if (systemRole is not ("system" or "developer" or "user"))
        {
            throw new FormatException($"Model '{id}': system_role must be system, developer or user, not '{systemRole}'.");
        }

        string maxTokensField = String(raw, id, "max_tokens_field") ?? "max_tokens";
        if (maxTokensField is not ("max_tokens" or "max_completion_tokens"))
        {
            throw new FormatException($"Model '{id}': max_tokens_field must be max_tokens or max_completion_tokens, not '{maxTokensField}'.");
        }

        ChatFraming framing = raw["framing"] switch
        {
            null => ChatFraming.OpenAIChat,
            JsonObject o => ReadFraming(o, $"model '{id}'"),
            JsonValue v when v.TryGetValue(out string? name) => framings.TryGetValue(name, out ChatFraming? named)
                ? named
                : throw new FormatException($"Model '{id}': unknown framing '{name}'. Known: {string.Join(", ", framings.Keys)}."),
            _ => throw new FormatException($"Model '{id}': framing must be a name or an object."),
        };

        ImageTokenRule? imageRule = ReadImageRule(raw["image_tokens"], id);
        var info = new ModelInfo
        {
            Id = id,
            Provider = provider,
            ContextWindow = PositiveInt(raw, id, "context_window"),
            MaxOutputTokens = PositiveInt(raw, id, "max_output_tokens"),
            Encoding = encoding,
            InputPerMillion = Price(raw, id, "input_per_million"),
            CachedInputPerMillion = Price(raw, id, "cached_input_per_million"),
            OutputPerMillion = Price(raw, id, "output_per_million"),
            IsReasoning = Bool(raw, id, "reasoning") ?? false,
            SystemRole = systemRole,
            SupportsTemperature = Bool(raw, id, "supports_temperature") ?? true,
            SupportsReasoningEffort = Bool(raw, id, "supports_reasoning_effort") ?? false,
            MaxTokensField = maxTokensField,
            Framing = framing,
            ImageTokens = imageRule,
            SupportsImageInput = Bool(raw, id, "image_input") ?? (imageRule is null ? null : true),
            SupportsFileInput = Bool(raw, id, "file_input") ?? false,
            Source = String(raw, id, "source"),
            PriceDate = Date(raw, id, "price_date"),
            IsLocal = Bool(raw, id, "local") ?? false,
        };

        IReadOnlyList<string> aliases = raw["aliases"] switch
        {
            null => [],
            JsonArray array => array.Select(a => a is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0
                ? s
                : throw new FormatException($"Model '{id}': aliases must be strings.")).ToArray(),
            _ => throw new FormatException($"Model '{id}': aliases must be an array of strings."),
        };

        FineTunePrices? fineTuned = raw["fine_tuned"] switch
        {
            null => null,
            JsonObject o => new FineTunePrices(Price(o, id, "input_per_million"), Price(o, id, "cached_input_per_million"), Price(o, id, "output_per_million")),
            _ => throw new FormatException($"Model '{id}': fine_tuned must be an object of prices."),
        };

        return new CatalogEntry(id, raw, info, aliases, fineTuned);
    }

    private static ChatFraming ReadFraming(JsonObject o, string where)
    {
        int Field(string name) => o[name] is JsonValue v && v.TryGetValue(out int n) && n >= 0
            ? n
            : throw new FormatException($"{where}: framing needs a non-negative integer '{name}'.");
        return new ChatFraming(Field("per_message"), Field("per_name"), Field("reply_priming"));
    }

    private static ImageTokenRule? ReadImageRule(JsonNode? node, string id)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject o)
        {
            throw new FormatException($"Model '{id}': image_tokens must be an object.");
        }

        if (o["patch_multiplier"] is JsonValue m && m.TryGetValue(out double multiplier) && multiplier > 0)
        {
            return ImageTokenRule.Patches(multiplier);
        }

        if (o["base"] is JsonValue b && b.TryGetValue(out int baseTokens) && o["tile"] is JsonValue t && t.TryGetValue(out int tileTokens) && baseTokens >= 0 && tileTokens >= 0)
        {
            return new ImageTokenRule(baseTokens, tileTokens);
        }

        throw new FormatException($"Model '{id}': image_tokens needs either base and tile, or patch_multiplier.");
    }

    private static string? String(JsonObject o, string id, string field) => o[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw new FormatException($"Model '{id}': {field} must be a string."),
    };

    private static bool? Bool(JsonObject o, string id, string field) => o[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw new FormatException($"Model '{id}': {field} must be true or false."),
    };

    private static int? PositiveInt(JsonObject o, string id, string field) => o[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int n) && n > 0 => n,
        _ => throw new FormatException($"Model '{id}': {field} must be a positive integer or null."),
    };

    private static decimal? Price(JsonObject o, string id, string field) => o[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out decimal d) && d >= 0 => d,
        _ => throw new FormatException($"Model '{id}': {field} must be a non-negative number (US dollars per million tokens) or null."),
    };

    private static DateOnly? Date(JsonObject o, string id, string field)
    {
        string? text = String(o, id, field);
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
            ? date
            : throw new FormatException($"Model '{id}': {field} must be a date written yyyy-MM-dd.");
    }
}
