using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Counts prompt tokens as the provider bills them. OpenAI models with a known encoding are counted exactly
/// (tiktoken plus the model family's <see cref="ChatFraming"/>); other models get an estimate (the o200k count
/// times a calibration ratio learned from the prompt tokens each server reports, see <see cref="Calibrate"/>).
/// Message counts are cached per message and encoding, so a turn costs the new message, not the history.
/// Thread-safe; one instance per process is enough.
/// </summary>
public sealed class TokenCounter
{
    /// <summary>Tokens OpenAI bills per tool call beyond its name and arguments, fitted on the recorded tool round trips.</summary>
    internal const int ToolCallOverhead = 8;

    /// <summary>Tokens billed for a JSON schema response format beyond its rendering, with and without a system message (fitted, see <see cref="ResponseFormat"/>).</summary>
    internal const int ResponseFormatWithSystem = 4;

    /// <inheritdoc cref="ResponseFormatWithSystem"/>
    internal const int ResponseFormatWithoutSystem = 26;

    private const double LearningRate = 0.3;
    private const double MinObservedRatio = 0.2;
    private const double MaxObservedRatio = 5.0;

    private static readonly ConcurrentDictionary<(string Encoding, string Text), int> SmallStrings = new();

    private static readonly object NoModel = new();

    private readonly ConditionalWeakTable<ChatMessage, MessageTokenCache> cache = new();
    private readonly PromptPrefixCache<object> prompts = new(); // keyed by ModelInfo (value equality: framing, roles, images)
    private readonly PromptPrefixCache<int> bounds = new();
    private readonly ConcurrentDictionary<string, double?> ratios = new(StringComparer.OrdinalIgnoreCase); // null: nothing learned yet
    private readonly ILearnedModelFacts? facts;
    private readonly Uri? endpoint;
    private readonly object toolGate = new();
    private readonly Lock calibrationGate = new();
    private Task calibrations = Task.CompletedTask;
    private (string Encoding, AITool[] Tools, int Tokens, bool Estimated)? lastTools;
    private int messageTokenizations;

    /// <summary>Creates a counter.</summary>
    /// <param name="facts">Where calibration ratios are remembered across runs, or null to keep them in memory only.</param>
    /// <param name="endpoint">
    /// The server whose prompts this counter calibrates against: ratios are read from and saved to
    /// <paramref name="facts"/> under this base URL and the model (another server with the same model name learns its
    /// own). Null keeps ratios in memory only, even with <paramref name="facts"/>.
    /// </param>
    public TokenCounter(ILearnedModelFacts? facts = null, Uri? endpoint = null)
    {
        if (endpoint is { IsAbsoluteUri: false })
        {
            throw new ArgumentException("The endpoint must be an absolute URL.", nameof(endpoint));
        }

        this.facts = endpoint is null ? null : facts;
        this.endpoint = endpoint;
    }

    /// <summary>The server this counter calibrates against (null: ratios are kept in memory only).</summary>
    public Uri? Endpoint => endpoint;

    /// <summary>
    /// A task that completes when the calibrations queued so far (by <c>UseTokenCalibration</c>, which calibrates in the
    /// background) are done and saved. A short-lived process awaits it before it exits; a pipeline built with
    /// <c>UseTokenCalibration</c> returns its counter from <c>GetService&lt;TokenCounter&gt;()</c>.
    /// </summary>
    /// <returns>The task.</returns>
    public Task WhenCalibratedAsync()
    {
        lock (calibrationGate)
        {
            return calibrations;
        }
    }

    /// <summary>Runs <paramref name="calibrate"/> in the background after the calibrations queued before it.</summary>
    internal void QueueCalibration(Action calibrate)
    {
        lock (calibrationGate)
        {
            // One after another: each moves the ratio from where the previous one left it.
            calibrations = calibrations.ContinueWith(_ => calibrate(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// How tool-call arguments and non-string tool results are serialized on the wire. Microsoft.Extensions.AI's
    /// OpenAI client re-serializes them with <see cref="AIJsonUtilities.DefaultOptions"/> (indented), so that is what
    /// Parley's requests are billed for; tests replaying other clients' recordings set compact options. The options
    /// need a <see cref="JsonSerializerOptions.TypeInfoResolver"/> (they are used through their type info, never reflection).
    /// </summary>
    internal JsonSerializerOptions ToolJsonOptions { get; init; } = AIJsonUtilities.DefaultOptions;

    /// <summary>How many times a message's content was tokenized (cache misses); for tests and diagnostics.</summary>
    internal int MessageTokenizations => Volatile.Read(ref messageTokenizations);

    /// <summary>
    /// Starts loading the tokenizer for <paramref name="encoding"/> in the background (it takes a few hundred
    /// milliseconds), so that it can overlap with a network request. Loading happens once per process.
    /// </summary>
    /// <param name="encoding">The encoding, e.g. <see cref="ModelInfo.Encoding"/>; null or unknown encodings preload o200k_base, the estimator's tokenizer.</param>
    /// <returns>A task that completes when the tokenizer is ready.</returns>
    public static Task Preload(string? encoding)
    {
        string key = TokenEncodings.IsSupported(encoding) ? encoding! : TokenEncodings.O200kBase;
        return TokenEncodings.IsLoaded(key)
            ? Task.CompletedTask
            : Task.Run(() => { _ = TokenEncodings.Get(key); });
    }

    /// <summary>Counts a string, without message framing.</summary>
    /// <param name="text">The text; special tokens such as <c>&lt;|endoftext|&gt;</c> count as plain text.</param>
    /// <param name="model">The model, or null for an uncalibrated estimate.</param>
    /// <returns>The count.</returns>
    public TokenCount CountText(string text, ModelInfo? model)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (model is { OwnCounter: true })
        {
            return new TokenCount(model.TextTokenCounter!(text), false);
        }

        string encoding = EncodingFor(model, out bool exact);
        int tokens = TokenEncodings.Count(encoding, text);
        return exact ? new TokenCount(tokens, false) : Scale(tokens, model);
    }

    /// <summary>Counts one message with its framing (what it adds to a prompt). Cached per message and encoding.</summary>
    /// <param name="message">The message.</param>
    /// <param name="model">The model, or null for an uncalibrated estimate.</param>
    /// <returns>The count.</returns>
    public TokenCount CountMessage(ChatMessage message, ModelInfo? model)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (model is { OwnCounter: true })
        {
            // A message's share of a prompt: the prompt with it, less the prompt without it (the reply prompt, a BOS).
            return new TokenCount(model.PromptTokenCounter!([message]) - model.PromptTokenCounter!([]), false);
        }

        string encoding = EncodingFor(model, out bool exact);
        (int tokens, bool estimated) = Framed(message, model, encoding);
        return exact ? new TokenCount(tokens, estimated) : Scale(tokens, model);
    }

    /// <summary>
    /// Counts a whole prompt: every message with its framing, the reply priming, and the tool definitions.
    /// </summary>
    /// <param name="messages">The messages sent.</param>
    /// <param name="model">The model, or null for an uncalibrated estimate.</param>
    /// <param name="tools">The tools offered, if any (function tools are counted; others make the count an estimate).</param>
    /// <returns>The count; exact for text-only prompts to OpenAI models.</returns>
    public TokenCount CountPrompt(IEnumerable<ChatMessage> messages, ModelInfo? model, IEnumerable<AITool>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (model is { OwnCounter: true })
        {
            return new TokenCount(model.PromptTokenCounter!(messages as IReadOnlyList<ChatMessage> ?? [.. messages]), false);
        }

        string encoding = EncodingFor(model, out bool exact);
        (int tokens, bool estimated) = RawPrompt(messages, model, encoding, tools);
        return exact ? new TokenCount(tokens, estimated) : Scale(tokens, model);
    }

    /// <summary>
    /// <see cref="CountPrompt"/> for a prompt sent with <paramref name="options"/>: every message with its framing, the reply
    /// priming, the tool definitions (<see cref="ChatOptions.Tools"/>) and a JSON schema response format
    /// (<see cref="ChatOptions.ResponseFormat"/>, which OpenAI bills as part of the prompt).
    /// </summary>
    /// <param name="messages">The messages sent.</param>
    /// <param name="model">The model, or null for an uncalibrated estimate.</param>
    /// <param name="options">The request's options (null: none).</param>
    /// <returns>The count; an estimate when tools or a response format are counted.</returns>
    public TokenCount CountRequest(IEnumerable<ChatMessage> messages, ModelInfo? model, ChatOptions? options) =>
        CountPrompt(messages, model, ResponseFormatTool.Of(options));

    /// <summary>
    /// The preflight's byte bound of a prompt with <paramref name="model"/>'s framing
    /// (<see cref="PromptPreflight.UpperBound(IEnumerable{ChatMessage}, ModelInfo?)"/>), reusing the byte counts of
    /// the last prompt bounded: a turn measures only its new messages. Needs no tokenizer: every token is at least one
    /// byte, so a prompt whose bound fits a window fits it without counting.
    /// </summary>
    /// <param name="messages">The prompt.</param>
    /// <param name="model">The model (its framing), or null for the default.</param>
    /// <returns>An upper bound of the prompt's tokens.</returns>
    public long UpperBound(IReadOnlyList<ChatMessage> messages, ModelInfo? model)
    {
        ArgumentNullException.ThrowIfNull(messages);
        (long bytes, bool unbounded) = bounds.Sum(0, messages, static message =>
            PromptPreflight.MessageBytes(message) is { } count ? (count, false) : (0, true));
        return unbounded ? long.MaxValue : PromptPreflight.WithFraming(PromptPreflight.PromptBytes + bytes, messages.Count, model);
    }

    /// <summary>
    /// <see cref="CountPrompt"/> deferred until the returned function is called (at most once is useful: it counts
    /// every time). The calibration ratio is the one in use now, so a later calibration does not change the result.
    /// </summary>
    internal Func<TokenCount> CountPromptLater(IReadOnlyList<ChatMessage> messages, ModelInfo? model, IEnumerable<AITool>? tools)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (model is { OwnCounter: true })
        {
            return () => new TokenCount(model.PromptTokenCounter!(messages), false);
        }

        string encoding = EncodingFor(model, out bool exact);
        double ratio = exact || model is null ? 1.0 : GetCalibrationRatio(model);
        return () =>
        {
            (int tokens, bool estimated) = RawPrompt(messages, model, encoding, tools);
            return exact ? new TokenCount(tokens, estimated) : Scale(tokens, ratio);
        };
    }

    /// <summary>
    /// Learns from the prompt tokens a server reported for a prompt: the estimator's ratio for the model moves
    /// towards reported / estimated (an exponential average) and is saved to <see cref="ILearnedModelFacts"/>.
    /// Exact models are not calibrated. Implausible observations (ratio outside 0.2–5, e.g. a server that reports
    /// only the tokens it did not have cached) are ignored.
    /// </summary>
    /// <param name="model">The model the prompt was sent to.</param>
    /// <param name="messages">The messages sent.</param>
    /// <param name="tools">The tools offered, if any.</param>
    /// <param name="reportedPromptTokens">The server's prompt token count.</param>
    /// <returns>The ratio now in use for the model.</returns>
    public double Calibrate(ModelInfo model, IEnumerable<ChatMessage> messages, IEnumerable<AITool>? tools, int reportedPromptTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(messages);
        string encoding = EncodingFor(model, out bool exact);
        if (exact)
        {
            return 1.0;
        }

        (int estimate, _) = RawPrompt(messages, model, encoding, tools);
        double current = GetCalibrationRatio(model);
        if (estimate <= 0 || reportedPromptTokens <= 0)
        {
            return current;
        }

        double observed = reportedPromptTokens / (double)estimate;
        if (observed is < MinObservedRatio or > MaxObservedRatio)
        {
            return current;
        }

        bool first = ratios.TryGetValue(model.Id, out double? known) && known is null;
        double updated = first ? observed : current + (LearningRate * (observed - current));
        ratios[model.Id] = updated;
        facts?.SetCalibrationRatio(endpoint!, model.Id, updated);
        return updated;
    }

    /// <summary>The ratio the estimator applies for a model: learned this run, else remembered, else 1.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The ratio.</returns>
    public double GetCalibrationRatio(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.HasExactTokenizer)
        {
            return 1.0;
        }

        // The learned-facts file is read once per model and process; later changes come through Calibrate.
        double? ratio = ratios.GetOrAdd(model.Id, id => facts?.GetCalibrationRatio(endpoint!, id));
        return ratio ?? 1.0;
    }

    /// <summary>Whether counting for <paramref name="model"/> would find its tokenizer already in memory.</summary>
    internal static bool IsTokenizerLoaded(ModelInfo? model) => model is { OwnCounter: true } || TokenEncodings.IsLoaded(EncodingFor(model, out _));

    private static string EncodingFor(ModelInfo? model, out bool exact)
    {
        exact = model?.HasExactTokenizer == true;
        return model is not null && TokenEncodings.IsSupported(model.Encoding)
            ? TokenEncodings.TokenizerKey(model.Encoding!)
            : TokenEncodings.O200kBase;
    }

    private TokenCount Scale(int tokens, ModelInfo? model) => Scale(tokens, model is null ? 1.0 : GetCalibrationRatio(model));

    private static TokenCount Scale(int tokens, double ratio) => new((int)Math.Ceiling(tokens * ratio), IsEstimate: true);

    private (int Tokens, bool Estimated) RawPrompt(IEnumerable<ChatMessage> messages, ModelInfo? model, string encoding, IEnumerable<AITool>? tools)
    {
        ChatFraming framing = model?.Framing ?? ChatFraming.OpenAIChat;
        // A conversation re-sends the same messages each turn: only those past the last prompt's common prefix are framed again.
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        (long messageTokens, bool estimated) = prompts.Sum(model ?? NoModel, list, message =>
        {
            (int tokens, bool partEstimated) = Framed(message, model, encoding);
            return (tokens, partEstimated);
        });
        int total = framing.ReplyPriming + (int)messageTokens;
        if (tools is not null)
        {
            ChatMessage? firstSystem = list.FirstOrDefault(m => m.Role == ChatRole.System || m.Role.Value == "developer");
            if (ResponseFormat(tools, encoding, firstSystem is not null) is { } format)
            {
                total += format;
                estimated = true;
                tools = tools.Where(static t => t is not ResponseFormatTool);
            }

            (int toolTokens, bool toolsEstimated, bool anyFunction) = ToolDefinitions(tools, encoding);
            if (anyFunction)
            {
                total += toolTokens;
                estimated = true; // the published method is exact or one over on the recordings, not guaranteed
                if (firstSystem is not null)
                {
                    total += SystemPadding(firstSystem, encoding) - ToolDefinitionRenderer.SystemMessageDiscount;
                }
            }

            estimated |= toolsEstimated;
        }

        return (Math.Max(total, 0), estimated);
    }

    // The schema of a JSON response format, rendered as OpenAI renders function parameters, plus a fitted overhead:
    // on the recorded structured-output requests (gpt-4o) the billed prompt exceeds the messages by the rendering plus
    // 4 tokens when the prompt has a system message, plus 26 when it has none (then one is added); within one token on
    // each. A JSON object without a schema adds nothing that is known. Null when no response format is among the tools.
    private static int? ResponseFormat(IEnumerable<AITool> tools, string encoding, bool hasSystem)
    {
        if (!tools.Any(static t => t is ResponseFormatTool))
        {
            return null;
        }

        int tokens = 0;
        foreach (ResponseFormatTool format in tools.OfType<ResponseFormatTool>())
        {
            if (format.Format.Schema is not { } schema)
            {
                continue;
            }

            AIFunctionDeclaration shape = AIFunctionFactory.CreateDeclaration(format.Format.SchemaName ?? "response", format.Format.SchemaDescription, schema);
            string? rendered = ToolDefinitionRenderer.Render([shape], out _);
            tokens += (rendered is null ? 0 : TokenEncodings.Count(encoding, rendered))
                + (hasSystem ? ResponseFormatWithSystem : ResponseFormatWithoutSystem);
        }

        return tokens;
    }

    private (int Tokens, bool Estimated, bool AnyFunction) ToolDefinitions(IEnumerable<AITool> tools, string encoding)
    {
        AITool[] list = tools as AITool[] ?? tools.ToArray();
        lock (toolGate)
        {
            if (lastTools is { } last && last.Encoding == encoding && last.Tools.Length == list.Length
                && last.Tools.AsSpan().SequenceEqual(list, ReferenceEqualityComparer.Instance))
            {
                return (last.Tokens, last.Estimated, last.Tokens > 0);
            }
        }

        string? rendered = ToolDefinitionRenderer.Render(list, out bool skipped);
        int tokens = rendered is null ? 0 : TokenEncodings.Count(encoding, rendered) + ToolDefinitionRenderer.DefinitionOverhead;
        lock (toolGate)
        {
            lastTools = (encoding, list, tokens, skipped);
        }

        return (tokens, skipped, rendered is not null);
    }

    private (int Tokens, bool Estimated) Framed(ChatMessage message, ModelInfo? model, string encoding)
    {
        MessageCount count = Counted(message, encoding);
        ChatFraming framing = model?.Framing ?? ChatFraming.OpenAIChat;
        int role = SmallString(encoding, WireRole(message.Role, model));
        (int images, bool imagesExact) = count.ImageTokens(model?.ImageTokens);
        int tokens = count.ContentTokens
            + images
            + (count.WireMessages * (framing.PerMessage + role))
            + (count.HasName ? framing.PerName : 0);
        return (tokens, count.Estimated || !imagesExact);
    }

    private MessageCount Counted(ChatMessage message, string encoding)
    {
        MessageTokenCache entry = cache.GetValue(message, static _ => new MessageTokenCache());
        MessageCount? count = entry.Get(encoding, message);
        if (count is null)
        {
            count = Count(message, encoding);
            entry.Set(count);
        }

        return count;
    }

    private MessageCount Count(ChatMessage message, string encoding)
    {
        Interlocked.Increment(ref messageTokenizations);
        var images = new List<AIContent>();
        int tokens = 0;
        int results = 0;
        bool estimated = false;

        foreach (AIContent content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    tokens += TokenEncodings.Count(encoding, text.Text);
                    break;
                case TextReasoningContent:
                    // Chat Completions does not send earlier reasoning back.
                    break;
                case FunctionCallContent call:
                    tokens += SmallString(encoding, call.Name)
                        + TokenEncodings.Count(encoding, ToolJson.Arguments(call.Arguments, ToolJsonOptions))
                        + ToolCallOverhead;
                    estimated = true;
                    break;
                case FunctionResultContent result:
                    tokens += TokenEncodings.Count(encoding, ToolJson.Result(result.Result, ToolJsonOptions));
                    results++;
                    estimated = true;
                    break;
                case DataContent or UriContent when ImageTokenEstimator.IsImage(content):
                    images.Add(content);
                    break;
                case UsageContent or ErrorContent:
                    break;
                default:
                    // Audio, files and provider-specific content have no published token formula.
                    estimated = true;
                    break;
            }
        }

        bool hasName = !string.IsNullOrEmpty(message.AuthorName);
        if (hasName)
        {
            tokens += TokenEncodings.Count(encoding, message.AuthorName!);
        }

        return new MessageCount
        {
            Encoding = encoding,
            ContentTokens = tokens,
            Images = images,
            WireMessages = message.Role == ChatRole.Tool ? Math.Max(results, 1) : 1,
            HasName = hasName,
            Estimated = estimated,
            ContentsCount = message.Contents.Count,
            AuthorName = message.AuthorName,
            Role = message.Role,
        };
    }

    // hmarr/openai-chat-tokens: with tools present, the first system message is billed as if it ended in "\n".
    private int SystemPadding(ChatMessage system, string encoding)
    {
        MessageCount count = Counted(system, encoding);
        if (count.SystemPadding is int cached)
        {
            return cached;
        }

        string? last = system.Contents.OfType<TextContent>().LastOrDefault()?.Text;
        int padding = last is null
            ? 1
            : TokenEncodings.Count(encoding, last + "\n") - TokenEncodings.Count(encoding, last);
        count.SystemPadding = padding;
        return padding;
    }

    private static string WireRole(ChatRole role, ModelInfo? model) =>
        role == ChatRole.System ? model?.SystemRole ?? "system" : role.Value;

    private static int SmallString(string encoding, string text) =>
        text.Length > 64
            ? TokenEncodings.Count(encoding, text)
            : SmallStrings.GetOrAdd((encoding, text), static k => TokenEncodings.Count(k.Encoding, k.Text));
}
