using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace Parley.Hosting;

/// <summary>
/// Source-generated JSON metadata for the OllamaSharp requests and responses Parley sends and reads, so the native
/// Ollama provider works trimmed and under NativeAOT. Without a context OllamaSharp serializes with reflection,
/// which NativeAOT disables ("Reflection-based serialization has been disabled").
/// </summary>
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ChatResponseStream))]
[JsonSerializable(typeof(ChatDoneResponseStream))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ListModelsResponse))]
[JsonSerializable(typeof(ShowModelRequest))]
[JsonSerializable(typeof(ShowModelResponse))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext
{
    // OllamaSharp's own (internal) context: it also describes its internal tool-result type, which no context of
    // ours can name. Found by name; kept by the trimmer through the constant type name.
    private const string OllamaSharpContext = "OllamaSharp.Models.JsonSourceGenerationContext, OllamaSharp";

    /// <summary>
    /// The resolver OllamaSharp's client is given: this context, then OllamaSharp's own context (tool results),
    /// then Microsoft.Extensions.AI's (the primitive and <see cref="JsonElement"/> values of tool arguments and
    /// results, and, where reflection is enabled, reflection for any other tool-result type).
    /// </summary>
    public static IJsonTypeInfoResolver Resolver { get; } = CreateResolver();

    /// <summary>An OllamaSharp client over <paramref name="http"/> that serializes with <see cref="Resolver"/>.</summary>
    public static OllamaApiClient CreateClient(HttpClient http, string defaultModel = "")
    {
        var api = new OllamaApiClient(http, defaultModel);
        api.OutgoingJsonSerializerOptions.TypeInfoResolver = Resolver;
        api.IncomingJsonSerializerOptions.TypeInfoResolver = Resolver;
        return api;
    }

    /// <summary>Whether OllamaSharp's own context was found (a test pins it, so an OllamaSharp upgrade that renames it is noticed).</summary>
    internal static bool HasOllamaSharpContext => FindOllamaSharpContext() is not null;

    private static IJsonTypeInfoResolver CreateResolver()
    {
        var chain = new List<IJsonTypeInfoResolver> { Default };
        if (FindOllamaSharpContext() is { } ollamaSharp)
        {
            chain.Add(ollamaSharp);
        }

        // Microsoft.Extensions.AI's resolver ends in reflection when reflection is enabled (not trimmed).
        chain.Add(AIJsonUtilities.DefaultOptions.TypeInfoResolver!);
        return JsonTypeInfoResolver.Combine([.. chain]).WithAddedModifier(OmitCustomHeaders);
    }

    // OllamaSharp's requests carry the HTTP headers to send in a CustomHeaders property that it does not mark
    // [JsonIgnore]: without this, every request body has a stray "CustomHeaders": {} next to the API's fields.
    private static void OmitCustomHeaders(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || !typeof(OllamaRequest).IsAssignableFrom(info.Type))
        {
            return;
        }

        for (int i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i].Name == nameof(OllamaRequest.CustomHeaders))
            {
                info.Properties.RemoveAt(i);
            }
        }
    }

    private static IJsonTypeInfoResolver? FindOllamaSharpContext() =>
        Type.GetType(OllamaSharpContext, throwOnError: false)
            ?.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)
            ?.GetValue(null) as IJsonTypeInfoResolver;
}
