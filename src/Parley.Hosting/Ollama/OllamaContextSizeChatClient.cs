using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace Parley.Hosting;

/// <summary>
/// Sets Ollama's <c>num_ctx</c> on every request. Ollama silently drops the oldest messages of a prompt longer
/// than <c>num_ctx</c>; this middleware sizes it from the prompt (estimated with <see cref="TokenCounter"/>) plus the
/// tokens reserved for the answer, rounded up to one of a few fixed sizes (a changed <c>num_ctx</c> makes Ollama
/// reload the model), capped by the model's trained window, and never smaller than the size it chose before for the
/// same model. A <c>num_ctx</c> given in <see cref="ChatOptions.AdditionalProperties"/> is sent as given.
/// </summary>
public sealed class OllamaContextSizeChatClient : DelegatingChatClient
{
    /// <summary>The name of the option in Ollama's <c>options</c> object and in <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    public const string NumCtx = "num_ctx";

    /// <summary>The tokens kept free for the answer when the request sets no output limit.</summary>
    public const int DefaultReserveOutputTokens = 1024;

    private readonly OllamaContextSizeOptions _options;
    private readonly TokenCounter _counter;
    private readonly ModelCatalog _catalog;
    private readonly ConcurrentDictionary<string, int> _chosen = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the middleware over an Ollama client (one whose requests become OllamaSharp <see cref="ChatRequest"/>s).</summary>
    public OllamaContextSizeChatClient(IChatClient innerClient, OllamaContextSizeOptions? options = null)
        : base(innerClient)
    {
        _options = options ?? new OllamaContextSizeOptions();
        _counter = _options.TokenCounter ?? new TokenCounter();
        _catalog = _options.Catalog ?? ModelCatalog.BuiltIn;
    }

    /// <summary>The sizes <c>num_ctx</c> is rounded up to: 2K, 4K, 8K, 16K, 32K, 64K and 128K tokens.</summary>
    public static IReadOnlyList<int> DefaultSizes { get; } = [2048, 4096, 8192, 16384, 32768, 65536, 131072];

    /// <summary>The <c>num_ctx</c> last sent for <paramref name="model"/>, or null before its first request.</summary>
    public int? CurrentSize(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _chosen.TryGetValue(model, out var size) ? size : null;
    }

    /// <summary>
    /// The <c>num_ctx</c> for a prompt: the smallest of <paramref name="sizes"/> (then powers of two) that holds the
    /// prompt and the reserve, at most <paramref name="window"/>, and never less than <paramref name="current"/>.
    /// </summary>
    /// <param name="promptTokens">The prompt's (estimated) tokens.</param>
    /// <param name="reserveOutputTokens">Tokens kept free for the answer.</param>
    /// <param name="window">The model's trained context length, or null when unknown.</param>
    /// <param name="current">The size sent before for this model (0 for none).</param>
    /// <param name="sizes">The fixed sizes, ascending (null: <see cref="DefaultSizes"/>).</param>
    public static int ChooseSize(long promptTokens, int reserveOutputTokens, int? window, int current = 0, IReadOnlyList<int>? sizes = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(reserveOutputTokens);
        sizes ??= DefaultSizes;
        var needed = promptTokens + reserveOutputTokens;
        long size = 0;
        foreach (var candidate in sizes)
        {
            if (candidate >= needed)
            {
                size = candidate;
                break;
            }
        }

        if (size == 0)
        {
            size = Math.Max(sizes.Count > 0 ? sizes[^1] : 2048, 1);
            while (size < needed)
            {
                size *= 2;
            }
        }

        if (window is > 0 && size > window)
        {
            size = window.Value;
        }

        return (int)Math.Max(Math.Min(size, int.MaxValue), current);
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var sized = await SizeAsync(list, options, cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(list, sized, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var sized = await SizeAsync(list, options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(list, sized, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<ChatOptions?> SizeAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        if (options?.AdditionalProperties?.ContainsKey(NumCtx) == true)
        {
            return options;
        }

        var model = options?.ModelId ?? _options.DefaultModel;
        if (string.IsNullOrWhiteSpace(model))
        {
            return options;
        }

        var info = _catalog.Resolve(model);
        var window = _options.ContextLength is { } source ? await source(model, cancellationToken).ConfigureAwait(false) : null;
        window ??= info.ContextWindow;
        var reserve = options?.MaxOutputTokens ?? _options.ReserveOutputTokens ?? DefaultReserveOutputTokens;
        var current = CurrentSize(model) ?? 0;

        // Every token is at least one byte: when even that bound (with the model's framing, the last prompt's byte counts
        // reused) lands on the size that would be sent anyway, the prompt needs no tokenizer (loading one costs more
        // than a short local answer).
        var upper = options?.Tools is { Count: > 0 } ? long.MaxValue / 4 : _counter.UpperBound(messages, info);
        var size = ChooseSize(upper, reserve, window, current, _options.Sizes);
        if (size != ChooseSize(0, reserve, window, current, _options.Sizes))
        {
            var prompt = _counter.CountPrompt(messages, info, options?.Tools).Value;
            size = ChooseSize(prompt, reserve, window, current, _options.Sizes);
        }

        size = _chosen.AddOrUpdate(model, size, (_, previous) => Math.Max(previous, size));

        var sized = options?.Clone() ?? new ChatOptions();
        var previous = sized.RawRepresentationFactory;
        sized.RawRepresentationFactory = client =>
        {
            var request = previous?.Invoke(client) as ChatRequest ?? new ChatRequest();
            request.Options ??= new RequestOptions();
            request.Options.NumCtx ??= size;
            return request;
        };
        return sized;
    }
}
