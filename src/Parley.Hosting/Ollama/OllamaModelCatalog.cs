using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using OllamaSharp;
using OllamaSharp.Models;

namespace Parley.Hosting;

/// <summary>
/// What an Ollama server has installed: <c>/api/tags</c> (names, sizes, families, quantizations) and
/// <c>/api/show</c> (a model's trained context length), through OllamaSharp. Failures are
/// <see cref="ParleyApiException"/>s; a model that is not installed reads "model X is not installed: run
/// `ollama pull X`". Context lengths are cached per model.
/// </summary>
public sealed class OllamaModelCatalog : IDisposable
{
    private readonly OllamaApiClient _api;
    private readonly HttpClient? _ownedHttp;
    private readonly ApiErrorTranslator _translator;
    private readonly ConcurrentDictionary<string, int?> _contextLengths = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a catalog for the Ollama server at <paramref name="address"/> (e.g. <c>http://localhost:11434</c>).</summary>
    /// <param name="address">The server's address, without <c>/api</c>.</param>
    /// <param name="handler">A handler to send requests through (tests, proxies); not disposed. Null: a new connection pool.</param>
    /// <param name="connectTimeout">How long to wait for a TCP connection (default <see cref="ChatClientFactory.DefaultConnectTimeout"/>).</param>
    public OllamaModelCatalog(Uri address, HttpMessageHandler? handler = null, TimeSpan? connectTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _ownedHttp = CreateHttpClient(address, handler, connectTimeout);
        _api = OllamaJsonContext.CreateClient(_ownedHttp);
        Address = address;
        _translator = new ApiErrorTranslator(address, null);
    }

    internal OllamaModelCatalog(OllamaApiClient api, Uri address)
    {
        _api = api;
        Address = address;
        _translator = new ApiErrorTranslator(address, null);
    }

    /// <summary>The server's address.</summary>
    public Uri Address { get; }

    /// <summary>Lists the installed models (<c>GET /api/tags</c>), most recently modified first. One request.</summary>
    public async Task<IReadOnlyList<OllamaInstalledModel>> ListAsync(CancellationToken cancellationToken = default)
    {
        IEnumerable<Model> models = await CallAsync(() => _api.ListLocalModelsAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        return [.. (models ?? []).Select(FromTag).OrderByDescending(m => m.ModifiedAt ?? DateTimeOffset.MinValue)];
    }

    /// <summary>Describes one installed model (<c>POST /api/show</c>): family, quantization and context length.</summary>
    /// <exception cref="ParleyApiException">The model is not installed (status 404), or the server failed.</exception>
    public async Task<OllamaInstalledModel> ShowAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var shown = await CallAsync(() => _api.ShowModelAsync(new ShowModelRequest { Model = model }, cancellationToken), cancellationToken).ConfigureAwait(false);
        var contextLength = ContextLengthOf(shown?.Info);
        _contextLengths[model] = contextLength;
        return new OllamaInstalledModel
        {
            Name = model,
            Family = NonEmpty(shown?.Details?.Family) ?? NonEmpty(shown?.Info?.Architecture),
            ParameterSize = NonEmpty(shown?.Details?.ParameterSize),
            Quantization = NonEmpty(shown?.Details?.QuantizationLevel),
            ModifiedAt = shown?.ModifiedAt,
            ContextLength = contextLength,
        };
    }

    /// <summary>The model's trained context length from <c>/api/show</c> (cached after the first call); null when not reported.</summary>
    /// <exception cref="ParleyApiException">The model is not installed, or the server failed.</exception>
    public async Task<int?> GetContextLengthAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (_contextLengths.TryGetValue(model, out var known))
        {
            return known;
        }

        return (await ShowAsync(model, cancellationToken).ConfigureAwait(false)).ContextLength;
    }

    /// <summary>
    /// The model as Parley's catalog would describe it, served by this Ollama server: the catalog family's facts
    /// (framing, encoding) with the context length the server reports, local, and free.
    /// </summary>
    public async Task<ModelInfo> DescribeAsync(string model, ModelCatalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var shown = await ShowAsync(model, cancellationToken).ConfigureAwait(false);
        var known = (catalog ?? ModelCatalog.BuiltIn).Find(model);
        return AsLocal(known, model) with
        {
            ContextWindow = shown.ContextLength ?? known?.ContextWindow,
            Source = shown.ContextLength is null
                ? known?.Source ?? "Ollama /api/show (no context length reported)"
                : $"Ollama /api/show at {Address.GetLeftPart(UriPartial.Authority)}: context_length {shown.ContextLength}",
        };
    }

    /// <summary>Disposes the connection pool this catalog created (a handler passed in is left alone).</summary>
    public void Dispose() => _ownedHttp?.Dispose();

    /// <summary>A catalog entry (or a new one) marked as served locally by Ollama, at no per-token price.</summary>
    internal static ModelInfo AsLocal(ModelInfo? known, string model) => (known ?? new ModelInfo { Id = model, Source = "served by Ollama; not in the model catalog" }) with
    {
        Provider = ModelInfo.OllamaProvider,
        IsLocal = true,
        InputPerMillion = 0m,
        CachedInputPerMillion = 0m,
        OutputPerMillion = 0m,
    };

    internal static HttpClient CreateHttpClient(Uri address, HttpMessageHandler? handler, TimeSpan? connectTimeout)
    {
        var inner = handler ?? new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout ?? ChatClientFactory.DefaultConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        };
        var http = new HttpClient(new OllamaHttpHandler(inner), disposeHandler: handler is null)
        {
            BaseAddress = new Uri(address.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("parley");
        return http;
    }

    internal static int? ContextLengthOf(OllamaSharp.Models.ModelInfo? info)
    {
        if (info?.ExtraInfo is not { } extra)
        {
            return null;
        }

        var preferred = info.Architecture is { Length: > 0 } architecture ? architecture + ".context_length" : null;
        foreach (var (key, value) in extra.OrderBy(p => p.Key == preferred ? 0 : 1))
        {
            if (key.EndsWith(".context_length", StringComparison.Ordinal) && ToInt(value) is { } length && length > 0)
            {
                return length;
            }
        }

        return null;
    }

    private static int? ToInt(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
        JsonElement { ValueKind: JsonValueKind.String } e when int.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        int i => i,
        long l when l is > 0 and <= int.MaxValue => (int)l,
        _ => null,
    };

    private static OllamaInstalledModel FromTag(Model model) => new()
    {
        Name = model.Name,
        SizeBytes = model.Size,
        Family = NonEmpty(model.Details?.Family),
        ParameterSize = NonEmpty(model.Details?.ParameterSize),
        Quantization = NonEmpty(model.Details?.QuantizationLevel),
        ModifiedAt = model.ModifiedAt == default ? null : new DateTimeOffset(DateTime.SpecifyKind(model.ModifiedAt, model.ModifiedAt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : model.ModifiedAt.Kind)),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (_translator.Translate(e, cancellationToken.IsCancellationRequested) is { } translated && !ReferenceEquals(translated, e))
        {
            throw translated;
        }
    }
}
