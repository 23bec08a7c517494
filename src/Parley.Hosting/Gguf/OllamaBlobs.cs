using System.Text.Json;

namespace Parley.Hosting;

/// <summary>
/// Finds the GGUF file of a model Ollama installed (<c>ollama/NAME[:TAG]</c>): its manifest under
/// <c>$OLLAMA_MODELS</c> (default <c>~/.ollama/models</c>) names the model layer's blob, which is a GGUF file.
/// </summary>
internal static class OllamaBlobs
{
    private const string Prefix = "ollama/";
    private const string ModelLayer = "application/vnd.ollama.image.model";

    /// <summary>True for <c>ollama/NAME[:TAG]</c>.</summary>
    public static bool IsOllamaName(string model) => model.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && model.Length > Prefix.Length;

    /// <summary>The blob path of <paramref name="model"/>.</summary>
    /// <exception cref="ParleyConfigurationException">Ollama has no such model installed, or its manifest is unreadable.</exception>
    public static string Find(string model, EnvironmentSource environment)
    {
        var name = model[Prefix.Length..];
        var colon = name.LastIndexOf(':');
        var (repository, tag) = colon > 0 ? (name[..colon], name[(colon + 1)..]) : (name, "latest");
        if (!repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        var root = environment.Get("OLLAMA_MODELS") is { Length: > 0 } configured
            ? HomeDirectory.Expand(configured, environment.Get)
            : Path.Combine(HomeDirectory.Of(environment.Get), ".ollama", "models");
        var manifest = Path.Combine(root, "manifests", "registry.ollama.ai", repository, tag);
        if (repository.Contains("..", StringComparison.Ordinal) || tag.Contains("..", StringComparison.Ordinal) || !File.Exists(manifest))
        {
            throw new ParleyConfigurationException($"Ollama has no model '{name}' installed (no manifest {manifest}); `ollama pull {name}` installs it.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifest));
            foreach (var layer in document.RootElement.GetProperty("layers").EnumerateArray())
            {
                if (layer.GetProperty("mediaType").GetString() == ModelLayer && layer.GetProperty("digest").GetString() is { } digest)
                {
                    return Path.Combine(root, "blobs", digest.Replace(':', '-'));
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new ParleyConfigurationException($"cannot read Ollama's manifest {manifest}: {e.Message}");
        }

        throw new ParleyConfigurationException($"Ollama's manifest {manifest} has no model layer.");
    }
}
