using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// What Parley knows about one chat model: its limits, its tokenizer, its prices and the request options it accepts.
/// Built-in entries come from <see cref="ModelCatalog.BuiltIn"/>; users add or override them in the config file.
/// </summary>
public sealed record ModelInfo
{
    /// <summary>Provider name for OpenAI's API.</summary>
    public const string OpenAIProvider = "openai";

    /// <summary>Provider name for models served by Ollama.</summary>
    public const string OllamaProvider = "ollama";

    /// <summary>The catalog id of the model family, e.g. <c>gpt-4o</c> or <c>llama3.2</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Who serves the model: <c>openai</c>, <c>ollama</c>, or another name for user-added models.</summary>
    public string Provider { get; init; } = OpenAIProvider;

    /// <summary>Total tokens the model can attend to (prompt plus output), or null when unknown.</summary>
    public int? ContextWindow { get; init; }

    /// <summary>Largest completion the model can produce, or null when unknown.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>The tiktoken encoding (<c>o200k_base</c>, <c>cl100k_base</c>, <c>o200k_harmony</c>), or null when the tokenizer is not known.</summary>
    public string? Encoding { get; init; }

    /// <summary>US dollars per million uncached input tokens, or null when the price is unknown.</summary>
    public decimal? InputPerMillion { get; init; }

    /// <summary>US dollars per million cached input tokens, or null when there is no separate cached price (cached tokens then cost the input price).</summary>
    public decimal? CachedInputPerMillion { get; init; }

    /// <summary>US dollars per million output tokens (reasoning tokens included), or null when the price is unknown.</summary>
    public decimal? OutputPerMillion { get; init; }

    /// <summary>True for models that think before answering and report reasoning tokens.</summary>
    public bool IsReasoning { get; init; }

    /// <summary>
    /// The role the system prompt must be sent as: <c>system</c>, <c>developer</c> (OpenAI reasoning models), or
    /// <c>user</c> (models that reject both, such as o1-mini).
    /// </summary>
    public string SystemRole { get; init; } = "system";

    /// <summary>True when the system prompt is sent with the <c>developer</c> role.</summary>
    public bool UsesDeveloperRole => SystemRole == "developer";

    /// <summary>False when the server rejects <c>temperature</c> and <c>top_p</c>.</summary>
    public bool SupportsTemperature { get; init; } = true;

    /// <summary>True when the server accepts a reasoning effort.</summary>
    public bool SupportsReasoningEffort { get; init; }

    /// <summary>The request field that limits the completion: <c>max_completion_tokens</c> or <c>max_tokens</c>.</summary>
    public string MaxTokensField { get; init; } = "max_tokens";

    /// <summary>The per-message and per-request tokens the API adds around the messages.</summary>
    internal ChatFraming Framing { get; init; } = ChatFraming.OpenAIChat;

    /// <summary>The tokens the API adds for each message (its role and separators).</summary>
    public int TokensPerMessage => Framing.PerMessage;

    /// <summary>The tokens the API adds for a message that carries a name.</summary>
    public int TokensPerName => Framing.PerName;

    /// <summary>The tokens the API adds once per request to prime the reply.</summary>
    public int ReplyPrimingTokens => Framing.ReplyPriming;

    /// <summary>How input images are billed, or null when the model takes no images or the rule is unknown.</summary>
    internal ImageTokenRule? ImageTokens { get; init; }

    /// <summary>
    /// The tokens an image costs at least (the base of the tile rule), or null when images are billed by patches,
    /// the model takes no images, or the rule is unknown.
    /// </summary>
    public int? ImageBaseTokens => ImageTokens is { PatchMultiplier: null } rule ? rule.BaseTokens : null;

    /// <summary>The tokens each 512-pixel tile of an image costs (tile rule), or null as for <see cref="ImageBaseTokens"/>.</summary>
    public int? ImageTileTokens => ImageTokens is { PatchMultiplier: null } rule ? rule.TileTokens : null;

    /// <summary>The tokens each 32-pixel patch of an image costs (patch rule), or null when images are not billed by patches.</summary>
    public double? ImagePatchMultiplier => ImageTokens?.PatchMultiplier;

    /// <summary>
    /// Whether the model reads images: true, false (an image sent to it is refused before sending, see
    /// <see cref="ChatSession.SendAsync(ChatMessage, CancellationToken)"/>), or null when the catalog does not know (images
    /// are sent). The catalog's <c>image_input</c> field; an entry with <c>image_tokens</c> reads images unless it says otherwise.
    /// </summary>
    public bool? SupportsImageInput { get; init; }

    /// <summary>
    /// True when the model accepts documents (PDF) as file parts (the catalog's <c>file_input</c>); otherwise a PDF is
    /// best sent as its text. False unless the catalog or the config file says so.
    /// </summary>
    public bool SupportsFileInput { get; init; }

    /// <summary>
    /// The dollar cost of <paramref name="usage"/> at this model's prices (cached input at its own price), or null when a
    /// price or the token counts are unknown.
    /// </summary>
    public decimal? CostOf(UsageDetails usage) => CostCalculator.Compute(usage, this);

    /// <summary>
    /// The most a request could cost: <paramref name="promptTokens"/> × input price + <paramref name="maxOutputTokens"/>
    /// × output price, per million tokens (what <see cref="ChatSessionOptions.MaxCostUsd"/> checks before sending).
    /// </summary>
    /// <param name="promptTokens">The prompt's tokens, as counted before sending.</param>
    /// <param name="maxOutputTokens">The request's output limit, or null to use the model's maximum output.</param>
    /// <returns>The cost in US dollars, or null when a price or (for a paid output) the maximum output is unknown.</returns>
    public decimal? WorstCaseCostOf(int promptTokens, int? maxOutputTokens = null) => CostBudget.WorstCase(this, promptTokens, maxOutputTokens);

    /// <summary>Where the prices and limits come from.</summary>
    public string? Source { get; init; }

    /// <summary>The date the prices were taken.</summary>
    public DateOnly? PriceDate { get; init; }

    /// <summary>True for models that run on the user's machine.</summary>
    public bool IsLocal { get; init; }

    /// <summary>
    /// The model's own prompt counter, for a model loaded in-process (Parley.Llama's GGUF models): the exact tokens of
    /// the prompt the model is fed for these messages, its chat template and reply prompt included. When set (with
    /// <see cref="TextTokenCounter"/>), <see cref="TokenCounter"/> counts with it and <see cref="HasExactTokenizer"/> is true.
    /// </summary>
    public Func<IReadOnlyList<ChatMessage>, int>? PromptTokenCounter { get; init; }

    /// <summary>The model's own count of a text alone (no template), used with <see cref="PromptTokenCounter"/>.</summary>
    public Func<string, int>? TextTokenCounter { get; init; }

    /// <summary>
    /// True when Parley reproduces the provider's billed prompt tokens: an OpenAI model with a shipped encoding, or a
    /// local model counted by its own tokenizer (<see cref="PromptTokenCounter"/>). Other models get calibrated estimates.
    /// </summary>
    public bool HasExactTokenizer => OwnCounter || (Provider == OpenAIProvider && TokenEncodings.IsSupported(Encoding));

    /// <summary>True when the model counts its own prompts (<see cref="PromptTokenCounter"/> and <see cref="TextTokenCounter"/>).</summary>
    internal bool OwnCounter => PromptTokenCounter is not null && TextTokenCounter is not null;
}
