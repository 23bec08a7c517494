using System.Diagnostics;
using System.Runtime.CompilerServices;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace Parley.Llama;

/// <summary>
/// Generates with a <see cref="GgufModel"/>: the prompt rendered and tokenized by <see cref="GgufPromptRenderer"/>
/// (what Parley counted), decoded into one llama.cpp context, then sampled token by token. Never past the context:
/// a prompt that does not fit is refused before llama.cpp sees it (<see cref="ContextWindowExceededException"/>, not
/// llama.cpp's <c>NoKvSlot</c>), and a reply that reaches the end of the context stops with
/// <see cref="ChatFinishReason.Length"/>. One request at a time (the context is shared); usage and timings (prompt,
/// generation and, on the first request, load) are reported like a local server's (<see cref="ServerTimings"/>).
/// </summary>
internal sealed class GgufChatClient : IChatClient
{
    private readonly GgufModel _model;
    private readonly LLamaWeights _weights;
    private readonly ModelParams _parameters;
    private readonly GgufPromptRenderer _renderer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LLamaContext? _context;
    private bool _loadReported;

    public GgufChatClient(GgufModel model, LLamaWeights weights, ModelParams parameters, GgufPromptRenderer renderer)
    {
        _model = model;
        _weights = weights;
        _parameters = parameters;
        _renderer = renderer;
        Metadata = new ChatClientMetadata(GgufModel.Provider, new Uri(Path.GetFullPath(model.Path)), model.ModelInfo.Id);
    }

    private ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var prompt = _renderer.PromptTokens(list);
        var window = _model.ContextWindow;
        if (prompt.Length >= window)
        {
            throw new ContextWindowExceededException(_model.ModelInfo.Id, prompt.Length, window, 0, estimated: false);
        }

        var responseId = "gguf-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var context = _context ??= _weights.CreateContext(_parameters);
            context.NativeHandle.MemoryClear(true);
            var watch = Stopwatch.StartNew();
            var batch = new LLamaBatch();
            var chunk = (int)context.BatchSize;
            for (var start = 0; start < prompt.Length; start += chunk)
            {
                var count = Math.Min(chunk, prompt.Length - start);
                batch.Clear();
                batch.AddRange(prompt.AsSpan(start, count), start, LLamaSeqId.Zero, start + count == prompt.Length);
                Check(await context.DecodeAsync(batch, cancellationToken).ConfigureAwait(false));
            }

            var promptTime = watch.Elapsed;
            watch.Restart();
            using var sampler = Sampler(options);
            var decoder = new StreamingTokenDecoder(context);
            var position = prompt.Length;
            var completion = 0;
            var limit = options?.MaxOutputTokens is int max and > 0 ? max : int.MaxValue;
            ChatFinishReason finish;
            var logits = batch.TokenCount - 1;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var token = sampler.Sample(context.NativeHandle, logits);
                if (token.IsEndOfGeneration(_weights.Vocab))
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }

                completion++;
                decoder.Add(token);
                if (decoder.Read() is { Length: > 0 } text)
                {
                    yield return Update(responseId, created, new TextContent(text));
                }

                // The token just sampled takes the next position: past the window there is none.
                if (completion >= limit || position + 1 >= window)
                {
                    finish = ChatFinishReason.Length;
                    break;
                }

                batch.Clear();
                batch.Add(token, position++, LLamaSeqId.Zero, true);
                Check(await context.DecodeAsync(batch, cancellationToken).ConfigureAwait(false));
                logits = 0;
            }

            var generationTime = watch.Elapsed;
            var usage = new UsageDetails
            {
                InputTokenCount = prompt.Length,
                OutputTokenCount = completion,
                TotalTokenCount = prompt.Length + completion,
                AdditionalCounts = new AdditionalPropertiesDictionary<long>
                {
                    [ServerTimings.PromptNanoseconds] = Nanoseconds(promptTime),
                    [ServerTimings.GenerationNanoseconds] = Nanoseconds(generationTime),
                },
            };
            if (!_loadReported)
            {
                _loadReported = true;
                usage.AdditionalCounts[ServerTimings.LoadNanoseconds] = Nanoseconds(_model.LoadTime);
            }

            var last = Update(responseId, created, new UsageContent(usage));
            last.FinishReason = finish;
            yield return last;
        }
        finally
        {
            _gate.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType == typeof(GgufModel) ? _model
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing: the client belongs to its <see cref="GgufModel"/>, which frees the context.</summary>
    public void Dispose()
    {
    }

    internal void DisposeContext()
    {
        _context?.Dispose();
        _context = null;
        _gate.Dispose();
    }

    private ChatResponseUpdate Update(string responseId, DateTimeOffset created, AIContent content) =>
        new(ChatRole.Assistant, [content]) { ResponseId = responseId, MessageId = responseId, CreatedAt = created, ModelId = _model.ModelInfo.Id };

    private static ISamplingPipeline Sampler(ChatOptions? options) =>
        options?.Temperature is 0f
            ? new GreedySamplingPipeline()
            : new DefaultSamplingPipeline
            {
                Temperature = options?.Temperature ?? 0.8f,
                TopP = options?.TopP ?? 0.95f,
                TopK = options?.TopK ?? 40,
                Seed = options?.Seed is long seed ? unchecked((uint)seed) : (uint)Random.Shared.Next(),
            };

    private static long Nanoseconds(TimeSpan time) => Math.Max(1, time.Ticks * 100);

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama.cpp could not decode the batch: {result}.");
        }
    }
}
