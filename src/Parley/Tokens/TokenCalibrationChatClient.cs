using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley;

/// <summary>
/// Middleware that teaches a <see cref="TokenCounter"/> how far its estimate is from what a server bills: after each
/// call to a model without an exact tokenizer (Ollama and other OpenAI-compatible models, models the catalog does not
/// know) whose response reports prompt tokens, it calls <see cref="TokenCounter.Calibrate"/> with the messages sent.
/// With a <see cref="ILearnedModelFacts"/> behind the counter the ratio is remembered across runs. Both paths; a
/// streamed response is learned from when it ends. Models with an exact tokenizer are left alone.
/// </summary>
/// <remarks>
/// Calibrating may load a tokenizer (a few hundred milliseconds the first time), so it runs in the background, one
/// calibration after another, and never delays or fails a response. A short-lived process awaits
/// <see cref="TokenCounter.WhenCalibratedAsync"/> before it exits (<c>GetService&lt;TokenCounter&gt;()</c> returns the counter).
/// </remarks>
internal sealed class TokenCalibrationChatClient : DelegatingChatClient
{
    private readonly TokenCounter _counter;
    private readonly ModelCatalog _catalog;
    private readonly ILogger _logger;
    private string? _defaultModelId;
    private bool _metadataRead;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The client requests are sent through.</param>
    /// <param name="counter">The counter to calibrate.</param>
    /// <param name="catalog">Where models are looked up (an unknown model is calibrated under its own id).</param>
    /// <param name="logger">
    /// Where each calibration is logged (event <see cref="ParleyTelemetry.Calibrated"/>, at Debug, from a background
    /// thread). Null: not logged.
    /// </param>
    public TokenCalibrationChatClient(IChatClient innerClient, TokenCounter counter, ModelCatalog catalog, ILogger? logger = null)
        : base(innerClient)
    {
        _logger = logger ?? NullLogger.Instance;
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(catalog);
        _counter = counter;
        _catalog = catalog;
    }

    /// <summary>
    /// When true, a response is learned from only if this process has already loaded the tokenizer that counts its
    /// model (because a prompt needed counting), so a short-lived process with short prompts never pays the vocabulary
    /// load just to calibrate. Estimates only matter near the window, where prompts are counted and calibration
    /// happens. Default false: every response that reports prompt tokens is learned from.
    /// </summary>
    public bool OnlyWhenTokenizerLoaded { get; set; }

    /// <summary>Whether the tokenizer for a model is in memory (tests replace it).</summary>
    internal Func<ModelInfo, bool> TokenizerLoaded { get; set; } = TokenCounter.IsTokenizerLoaded;

    /// <summary>A task that completes when the calibrations of the responses received so far are done (and saved).</summary>
    /// <returns>The task.</returns>
    public Task WhenCalibratedAsync() => _counter.WhenCalibratedAsync();

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(TokenCounter) ? _counter : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sent = Materialize(messages);
        var model = ModelFor(options);
        var response = await base.GetResponseAsync(sent, options, cancellationToken).ConfigureAwait(false);
        Learn(model, sent, options, response.Usage);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sent = Materialize(messages);
        var model = ModelFor(options);
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(sent, options, cancellationToken).ConfigureAwait(false))
        {
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++) // an index, not an interface enumerator: no allocation per update
            {
                if (contents[i] is UsageContent { Details: { } details })
                {
                    usage = details;
                }
            }

            yield return update;
        }

        Learn(model, sent, options, usage);
    }

    // A copy: the caller may add to its list before the calibration runs.
    private static ChatMessage[] Materialize(IEnumerable<ChatMessage> messages) => [.. messages];

    private ModelInfo? ModelFor(ChatOptions? options)
    {
        var modelId = options?.ModelId ?? DefaultModelId();
        if (string.IsNullOrWhiteSpace(modelId))
        {
            return null;
        }

        // No tokenizer preload here: loading it competes with the request for the CPU and would show in its latency.
        var model = _catalog.Resolve(modelId);
        return model.HasExactTokenizer ? null : model;
    }

    private void Learn(ModelInfo? model, IReadOnlyList<ChatMessage> sent, ChatOptions? options, UsageDetails? usage)
    {
        if (model is null || usage?.InputTokenCount is not { } reported || reported <= 0 || reported > int.MaxValue
            || (OnlyWhenTokenizerLoaded && !TokenizerLoaded(model)))
        {
            return;
        }

        var tools = ResponseFormatTool.Of(options)?.ToArray();
        _counter.QueueCalibration(() => Calibrate(model, sent, tools, (int)reported));
    }

    private void Calibrate(ModelInfo model, IReadOnlyList<ChatMessage> sent, AITool[]? tools, int reported)
    {
        double ratio;
        try
        {
            ratio = _counter.Calibrate(model, sent, tools, reported);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The learned-facts file is a cache: an answer is never failed because it could not be written.
            return;
        }

        ParleyLog.Calibrated(_logger, model.Id, ratio);
    }

    private string? DefaultModelId()
    {
        if (!_metadataRead)
        {
            _defaultModelId = InnerClient.GetService(typeof(ChatClientMetadata)) is ChatClientMetadata metadata ? metadata.DefaultModelId : null;
            _metadataRead = true;
        }

        return _defaultModelId;
    }
}
