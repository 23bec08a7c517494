using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Parley.Llama;

namespace Parley.Hosting;

/// <summary>
/// The GGUF models this process has loaded, one per file and settings, loaded on first use and kept until exit (the
/// CLI's turns, <c>parley compare</c>'s rounds and the gateway's requests share one). The only place Parley.Hosting
/// touches Parley.Llama: nothing loads LLamaSharp or llama.cpp until a <see cref="ProviderKind.Gguf"/> provider is used.
/// </summary>
internal static class GgufModels
{
    private static readonly ConcurrentDictionary<(string Path, int? Context, int? Threads, string? Template, decimal? In, decimal? Out, string Id), Lazy<GgufModel>> Loaded = new();

    /// <summary>The chat client of <paramref name="provider"/>'s model.</summary>
    public static IChatClient ChatClient(ResolvedProvider provider) => Get(provider).AsChatClient();

    /// <summary><paramref name="catalog"/> with the model's own entry: its window from the file, its price, its tokenizer.</summary>
    public static ModelCatalog Catalog(ResolvedProvider provider, ModelCatalog catalog) => catalog.With(Get(provider).ModelInfo);

    /// <summary>The path of the llama.cpp library loaded, or null before a model was loaded.</summary>
    public static string? NativeLibraryPath => GgufModel.NativeLibraryPath;

    private static GgufModel Get(ResolvedProvider provider)
    {
        var settings = provider.Gguf ?? throw new ArgumentException("not a GGUF provider", nameof(provider));
        var key = (settings.Path!, settings.ContextSize, settings.Threads, settings.ChatTemplate, settings.InputPerMillion, settings.OutputPerMillion, provider.Model);
        var lazy = Loaded.GetOrAdd(key, _ => new Lazy<GgufModel>(() => Load(provider.Model, settings), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch (ParleyConfigurationException)
        {
            Loaded.TryRemove(new KeyValuePair<(string, int?, int?, string?, decimal?, decimal?, string), Lazy<GgufModel>>(key, lazy));
            throw;
        }
    }

    private static GgufModel Load(string id, GgufModelSettings settings)
    {
        var options = new GgufModelOptions
        {
            Id = id,
            ContextSize = settings.ContextSize,
            Threads = settings.Threads,
            ChatTemplate = settings.ChatTemplate,
            InputPerMillion = settings.InputPerMillion,
            OutputPerMillion = settings.OutputPerMillion,
        };
        try
        {
            return GgufModel.LoadAsync(settings.Path!, options).GetAwaiter().GetResult();
        }
        catch (GgufModelException e)
        {
            throw new ParleyConfigurationException(e.Message);
        }
    }
}
