using Microsoft.Extensions.AI;

// Compiled into Parley.Hosting and Parley.Llama too (their Ollama and GGUF clients write these timings), in their own
// namespaces there so the test assembly, which sees all three assemblies' internals, is not left with two Parley.ServerTimings.
#if PARLEY_HOSTING
namespace Parley.Hosting;
#elif PARLEY_LLAMA
namespace Parley.Llama;
#else
namespace Parley;
#endif

/// <summary>
/// Timings a server measured itself and reported with the usage (Ollama's <c>eval_duration</c>,
/// <c>prompt_eval_duration</c>, <c>load_duration</c>), kept in <see cref="UsageDetails.AdditionalCounts"/> in
/// nanoseconds. Output speed computed from them excludes the network and the model load.
/// </summary>
internal static class ServerTimings
{
    /// <summary>Nanoseconds spent generating the output tokens.</summary>
    public const string GenerationNanoseconds = "generation_ns";

    /// <summary>Nanoseconds spent reading the prompt.</summary>
    public const string PromptNanoseconds = "prompt_eval_ns";

    /// <summary>Nanoseconds spent loading the model before the request could start.</summary>
    public const string LoadNanoseconds = "load_ns";

    /// <summary>The time the server spent generating the output, or null when it reported none.</summary>
    public static TimeSpan? GenerationTime(UsageDetails? usage) => Read(usage, GenerationNanoseconds);

    /// <summary>The time the server spent reading the prompt, or null when it reported none.</summary>
    public static TimeSpan? PromptTime(UsageDetails? usage) => Read(usage, PromptNanoseconds);

    /// <summary>Prompt tokens per second over the server's prompt time, or null when either is unknown.</summary>
    public static double? PromptTokensPerSecond(UsageDetails? usage) =>
        usage?.InputTokenCount is > 0 && PromptTime(usage) is { } time && time > TimeSpan.Zero
            ? usage.InputTokenCount.Value / time.TotalSeconds
            : null;

    /// <summary>The time the server spent loading the model, or null when it reported none.</summary>
    public static TimeSpan? LoadTime(UsageDetails? usage) => Read(usage, LoadNanoseconds);

    /// <summary>Output tokens per second over the server's generation time, or null when either is unknown.</summary>
    public static double? OutputTokensPerSecond(UsageDetails? usage) =>
        usage?.OutputTokenCount is > 0 && GenerationTime(usage) is { } time && time > TimeSpan.Zero
            ? usage.OutputTokenCount.Value / time.TotalSeconds
            : null;

    private static TimeSpan? Read(UsageDetails? usage, string key) =>
        usage?.AdditionalCounts is { } counts && counts.TryGetValue(key, out var nanoseconds) && nanoseconds > 0
            ? TimeSpan.FromTicks(nanoseconds / 100)
            : null;
}
