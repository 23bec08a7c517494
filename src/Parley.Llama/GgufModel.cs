using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using Microsoft.Extensions.AI;

namespace Parley.Llama;

/// <summary>
/// A GGUF model file loaded in-process through llama.cpp: its <see cref="IChatClient"/> (<see cref="AsChatClient"/>)
/// and its <see cref="ModelInfo"/>, whose prompts <see cref="TokenCounter"/> counts exactly with the model's own
/// tokenizer and chat template. The context window comes from the file's metadata, capped by
/// <see cref="GgufModelOptions.ContextSize"/>. Thread-safe; dispose it to free the weights.
/// </summary>
public sealed class GgufModel : IDisposable
{
    /// <summary>The provider name of models loaded from GGUF files.</summary>
    public const string Provider = "gguf";

    private readonly LLamaWeights _weights;
    private readonly GgufPromptRenderer _renderer;
    private readonly GgufChatClient _client;

    private GgufModel(string path, GgufModelOptions options, LLamaWeights weights, TimeSpan loadTime)
    {
        Path = path;
        _weights = weights;
        LoadTime = loadTime;
        TrainedContextLength = weights.ContextSize;
        ContextWindow = options.ContextSize is int size && size > 0 ? Math.Min(size, TrainedContextLength) : TrainedContextLength;
        _renderer = new GgufPromptRenderer(weights, options.ChatTemplate);
        var id = options.Id ?? path;
        ModelInfo = new ModelInfo
        {
            Id = id,
            Provider = Provider,
            ContextWindow = ContextWindow,
            IsLocal = true,
            InputPerMillion = options.InputPerMillion ?? 0m,
            CachedInputPerMillion = options.InputPerMillion ?? 0m,
            OutputPerMillion = options.OutputPerMillion ?? 0m,
            Source = $"GGUF file {path} (context {ContextWindow} of {TrainedContextLength}, template {_renderer.TemplateName})",
            PromptTokenCounter = _renderer.CountPrompt,
            TextTokenCounter = _renderer.CountText,
        };
        var parameters = new ModelParams(path)
        {
            ContextSize = (uint)ContextWindow,
            BatchSize = (uint)Math.Min(ContextWindow, 512),
            UBatchSize = (uint)Math.Min(ContextWindow, 512),
            Threads = options.Threads,
            BatchThreads = options.Threads,
        };
        _client = new GgufChatClient(this, weights, parameters, _renderer);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The tokens this model attends to: the file's <c>llama.context_length</c>, capped by the configured context size.</summary>
    public int ContextWindow { get; }

    /// <summary>The context the model was trained with, from the file's metadata.</summary>
    public int TrainedContextLength { get; }

    /// <summary>How long loading the weights took.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>What Parley knows about the model: local, its prices ($0 unless configured), its window and its own tokenizer.</summary>
    public ModelInfo ModelInfo { get; }

    /// <summary>The native llama.cpp library loaded in this process (its path), or null before the first model is loaded.</summary>
    public static string? NativeLibraryPath => LlamaNativeLibrary.LoadedPath;

    /// <summary>Loads a GGUF file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to open it, or null for the file's defaults.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="GgufModelException">The file is missing, unreadable, not a GGUF model, or refused by llama.cpp; or no LLamaSharp backend is installed.</exception>
    public static async Task<GgufModel> LoadAsync(string path, GgufModelOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new GgufModelOptions();
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new GgufModelException(path, $"GGUF model file not found: {path}");
        }

        if (!HasGgufMagic(full))
        {
            throw new GgufModelException(path, $"{path} is not a GGUF model file (it does not start with 'GGUF').");
        }

        LlamaNativeLibrary.Configure();
        var watch = Stopwatch.StartNew();
        LLamaWeights weights;
        try
        {
            weights = await LLamaWeights.LoadFromFileAsync(new ModelParams(full) { GpuLayerCount = 0 }, cancellationToken).ConfigureAwait(false);
        }
        catch (LoadWeightsFailedException e)
        {
            throw new GgufModelException(path, $"llama.cpp could not load {path}: the file is corrupt, truncated or of an unsupported architecture.", e);
        }
        catch (Exception e) when (LlamaNativeLibrary.IsMissing(e))
        {
            throw new GgufModelException(path, LlamaNativeLibrary.MissingMessage, e);
        }

        watch.Stop();
        LlamaNativeLibrary.RecordLoaded();
        try
        {
            return new GgufModel(path, options, weights, watch.Elapsed);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>The model as an <see cref="IChatClient"/> (streaming, usage, timings, finish reason <c>length</c> at the end of the context).</summary>
    /// <returns>The client; it shares this model (disposing it does not free the weights).</returns>
    public IChatClient AsChatClient() => _client;

    /// <summary>The tokens of the prompt the model is fed for <paramref name="messages"/>: its chat template and tokenizer.</summary>
    /// <param name="messages">The messages.</param>
    /// <returns>The exact count.</returns>
    public int CountPromptTokens(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return _renderer.CountPrompt([.. messages]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _client.DisposeContext();
        _weights.Dispose();
    }

    private static bool HasGgufMagic(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("GGUF"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GgufModelException(path, $"cannot read {path}: {e.Message}", e);
        }
    }
}
