using System.Globalization;
using Microsoft.Extensions.AI;
using Parley.Llama;

namespace Parley.Cli;

/// <summary>
/// Under <c>--verbose</c>, one line about a GGUF model in use: the file, its context, the load time and the llama.cpp
/// library loaded (which CPU build: the CLI tests assert it is the fast one, the NativeAOT binary included).
/// Called only for <see cref="ProviderKind.Gguf"/> providers, so nothing else loads Parley.Llama.
/// </summary>
internal static class GgufDiagnostics
{
    /// <summary>Where the model's window came from, for <c>/context</c>: the file's metadata, capped by <c>context_size</c>.</summary>
    public static string? WindowSource(IChatClient client) => client.GetService<GgufModel>() is not { } model ? null
        : model.ContextWindow < model.TrainedContextLength
            ? $"the GGUF file's {model.TrainedContextLength.ToString("#,0", CultureInfo.InvariantCulture)}, capped by context_size"
            : "the GGUF file's metadata";

    public static void Report(ConsoleInteraction interaction, IChatClient client)
    {
        if (client.GetService<GgufModel>() is not { } model)
        {
            return;
        }

        var loaded = model.LoadTime.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        interaction.Note($"gguf: {model.Path} · context {model.ContextWindow} of {model.TrainedContextLength} · loaded in {loaded} ms");
        interaction.Note($"llama.cpp library: {GgufModel.NativeLibraryPath ?? "unknown"}");
    }
}
