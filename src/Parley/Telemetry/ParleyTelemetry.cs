using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Parley;

/// <summary>
/// The <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> Parley
/// reports through, both named <see cref="SourceName"/>. They add what Microsoft.Extensions.AI's
/// <c>UseOpenTelemetry()</c> (spans and <c>gen_ai.client.*</c> metrics: token usage, operation duration, time to
/// first chunk) does not know: the dollar cost of a call, retries and context drops. Its constants are also the ids of
/// the events Parley logs through <c>ILogger</c> (<see cref="Retrying"/>, <see cref="OptionDropped"/>, …), to filter or
/// render them; each event's properties are named in its constant's documentation. Message content is never logged
/// above Trace; keys never.
/// </summary>
/// <remarks>
/// Instruments: <c>parley.client.cost</c> (counter, <c>USD</c>; tags <c>gen_ai.operation.name</c>,
/// <c>gen_ai.provider.name</c>, <c>gen_ai.request.model</c>, <c>gen_ai.response.model</c>) recorded by
/// <see cref="ParleyTelemetryChatClient"/>; <c>parley.client.retries</c> (counter, <c>{retry}</c>; tag
/// <c>error.type</c>) recorded by <see cref="RetryingChatClient"/>, which also traces each wait as a
/// <c>parley.retry</c> activity; <c>parley.context.dropped_messages</c> (counter, <c>{message}</c>; tag
/// <c>parley.context.policy</c>) recorded wherever a context policy leaves history out;
/// <c>parley.context.summary_calls</c> (counter, <c>{call}</c>; tags <c>parley.context.policy</c>,
/// <c>gen_ai.request.model</c>, <c>error.type</c> when it failed) and <c>parley.context.summary_cost</c> (counter,
/// <c>USD</c>) for each call that wrote a running summary; <c>parley.context.learned_limits</c> (counter,
/// <c>{limit}</c>) for each context limit learned from a server's context-length error.
/// </remarks>
public static partial class ParleyTelemetry
{
    /// <summary>The name of Parley's activity source and meter: <c>Parley</c>.</summary>
    public const string SourceName = "Parley";

    private static readonly string? Version = typeof(ParleyTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource ActivitySource = new(SourceName, Version);

    internal static readonly Meter Meter = new(SourceName, Version);

    internal static readonly Counter<double> Cost = Meter.CreateCounter<double>(
        "parley.client.cost", "USD", "The dollar cost of chat calls, priced from the model catalog.");

    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "parley.client.retries", "{retry}", "Requests sent again after a transient failure.");

    internal static readonly Counter<long> ContextDroppedMessages = Meter.CreateCounter<long>(
        "parley.context.dropped_messages", "{message}", "History messages a context policy neither sent nor summarized.");

    internal static readonly Counter<long> SummaryCalls = Meter.CreateCounter<long>(
        "parley.context.summary_calls", "{call}", "Calls made to write or update a running summary.");

    internal static readonly Counter<double> SummaryCost = Meter.CreateCounter<double>(
        "parley.context.summary_cost", "USD", "The dollar cost of summary calls whose price is known.");

    internal static readonly Counter<long> LearnedContextLimits = Meter.CreateCounter<long>(
        "parley.context.learned_limits", "{limit}", "Context limits learned from a server's context-length error.");

    /// <summary>Records the messages a context policy left out (nothing when it dropped none) and its summary calls.</summary>
    internal static void RecordContext(string policy, ContextResult result)
    {
        var tag = new KeyValuePair<string, object?>("parley.context.policy", policy);
        if (result.Dropped > 0)
        {
            ContextDroppedMessages.Add(result.Dropped, tag);
        }

        foreach (var call in result.SummaryCalls)
        {
            var model = new KeyValuePair<string, object?>("gen_ai.request.model", call.Model);
            if (call.Status == TurnStatus.Complete)
            {
                SummaryCalls.Add(1, tag, model);
            }
            else
            {
                SummaryCalls.Add(1, tag, model, new KeyValuePair<string, object?>("error.type", "summary_failed"));
            }

            if (call.CostUsd is { } cost)
            {
                SummaryCost.Add((double)cost, tag, model);
            }
        }
    }
}
