using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>What <c>parley compare</c> was asked to do.</summary>
internal sealed record CompareRequest
{
    /// <summary>The <c>-m</c> values, in order (<c>gpt-4o-mini</c>, <c>ollama:llama3.2</c>, …).</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>The prompt's words (standard input, when piped, comes first).</summary>
    public required IReadOnlyList<string> Words { get; init; }

    public ChatOptions Generation { get; init; } = new();

    public string? SystemPrompt { get; init; }

    public ReliabilitySettings Reliability { get; init; } = ReliabilitySettings.Defaults;

    /// <summary><c>--runs N</c>: every model answers N times; the timings shown are medians.</summary>
    public int Runs { get; init; } = 1;

    /// <summary><c>--sequential</c>: one model at a time, so timings do not disturb each other.</summary>
    public bool Sequential { get; init; }

    public bool Json { get; init; }

    public bool Csv { get; init; }

    /// <summary><c>--chart FILE.png|FILE.svg</c>.</summary>
    public string? ChartPath { get; init; }

    /// <summary><c>--table</c>: also the tutorial's local-vs-hosted table.</summary>
    public bool LocalHostedTable { get; init; }

    /// <summary><c>-a/--attach</c>: files and image URLs sent with the prompt to every model.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];
}
