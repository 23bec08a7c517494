namespace Parley.Cli;

/// <summary>What was measured for one model over all its runs. Timings, speed, tokens and cost are medians over the runs that answered.</summary>
internal sealed class ComparisonResult
{
    public required ComparedModel Model { get; init; }

    /// <summary>The runs that answered, in order.</summary>
    public required IReadOnlyList<ChatTurn> Turns { get; init; }

    /// <summary>Why the other runs (or the model's setup) failed.</summary>
    public required IReadOnlyList<string> Errors { get; init; }

    /// <summary>How many runs were asked for.</summary>
    public required int Runs { get; init; }

    /// <summary>For Ollama: the <c>num_ctx</c> Parley sent last; otherwise null.</summary>
    public int? NumCtx { get; init; }

    public bool Succeeded => Turns.Count > 0;

    public TimeSpan? TimeToFirstToken => Medians.Of(Turns.Select(t => t.TimeToFirstToken));

    public TimeSpan? Total => Medians.Of(Turns.Select(t => (TimeSpan?)t.Latency));

    public double? OutputTokensPerSecond => Medians.Of(Turns.Select(t => t.OutputTokensPerSecond));

    public long? PromptTokens => Medians.Of(Turns.Select(t => t.Usage?.InputTokenCount));

    public long? CompletionTokens => Medians.Of(Turns.Select(t => t.Usage?.OutputTokenCount));

    public decimal? CostUsd => Medians.Of(Turns.Select(t => t.CostUsd));

    /// <summary>The model load time the server reported (Ollama's <c>load_duration</c>), median.</summary>
    public TimeSpan? LoadTime => Medians.Of(Turns.Select(t => ServerTimings.LoadTime(t.Usage)));

    public int? ContextWindow => Model.Info.ContextWindow;

    /// <summary>The first answer's text (empty when no run answered).</summary>
    public string Answer => Turns.Count > 0 ? Turns[0].Text : string.Empty;

    /// <summary>The model as the server named it in its answer (e.g. <c>gpt-4o-mini-2024-07-18</c>).</summary>
    public string? ReportedModel => Turns.Select(t => t.ModelId).FirstOrDefault(m => m is not null);
}
