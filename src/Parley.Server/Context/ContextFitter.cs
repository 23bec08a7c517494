using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// The context step of <c>POST /v1/chat/completions</c>: applies the policy the request asks for (<c>X-Parley-Context</c>,
/// else the key's default; a named conversation is trimmed to the window without one). When the policy leaves messages
/// out, the exchange carries the rest, is recounted, and the response headers say how many messages were not sent as
/// they were (and how many of those the summary stands for).
/// </summary>
/// <remarks>
/// <c>summarize</c> is the core's <see cref="ContextPolicy.Summarize"/>, the one <c>parley chat --context summarize</c>
/// uses, with the request's own upstream and model as the summarizer (<see cref="SummarizerClients"/>). Each summary call
/// passes the key's gate like a request (<see cref="GatedSummarizer"/>). In a named conversation the running summary is
/// the one saved with it (found again by the last message it covers) and the threshold is the CLI's (75% of the window);
/// a stateless request is summarized for itself only, when it does not fit. A summary call that fails or is refused
/// fails the request: nothing is sent to the main model and nothing is saved.
/// </remarks>
internal sealed class ContextFitter
{
    private readonly GatewaySources _sources;
    private readonly IRequestGate _gate;
    private readonly GatewayMetrics _metrics;
    private readonly SummarizerClients _summarizers;

    public ContextFitter(GatewaySources sources, IRequestGate gate, GatewayMetrics metrics, SummarizerClients summarizers)
    {
        _sources = sources;
        _gate = gate;
        _metrics = metrics;
        _summarizers = summarizers;
    }

    /// <summary>Fits <paramref name="exchange"/> to its upstream's window; the error to send instead, or null.</summary>
    public async Task<GatewayError?> FitAsync(HttpContext context, ChatExchange exchange, CancellationToken cancellationToken)
    {
        var header = context.Request.Headers[ContextHeader.Name];
        GatedSummarizer? summarizer = null;
        var (error, result, saved) = await ApplyAsync(
            exchange, header.Count > 0 ? header.ToString() : null, () => Summarize(exchange, out summarizer), cancellationToken).ConfigureAwait(false);
        if (error is not null || result is null)
        {
            return error;
        }

        if (summarizer is not null && Record(exchange, summarizer, result, saved) is { } failed)
        {
            return failed;
        }

        var left = Use(exchange, result);
        if (left > 0)
        {
            context.Response.Headers[ContextHeader.DroppedHeader] = left.ToString(CultureInfo.InvariantCulture);
            if (result.Summarized > 0)
            {
                context.Response.Headers[ContextHeader.SummarizedHeader] = result.Summarized.ToString(CultureInfo.InvariantCulture);
            }
        }

        if (exchange.Summary is { Calls.Count: > 0 } summary)
        {
            context.Response.Headers[ContextHeader.SummaryCostHeader] = summary.CostUsd?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
        }

        return null;
    }

    /// <summary>
    /// What <see cref="FitAsync"/> would send, counted without a model call (<c>POST /v1/parley/context</c>): the same
    /// policy over the same messages. When <c>summarize</c> would first have to write a new summary, none is written:
    /// <c>SummaryDue</c> says so, and the count is that of the request should the summary call fail (the newest
    /// messages that fit, as the policy then sends).
    /// </summary>
    public async Task<(GatewayError? Error, bool SummaryDue)> PreviewAsync(ChatExchange exchange, string? header, CancellationToken cancellationToken)
    {
        exchange.PromptTokens = exchange.CountPrompt(_sources.Counter);
        var (error, result, _) = await ApplyAsync(
            exchange, header, () => ContextPolicy.Summarize(NoSummaryCalls.Instance, OptionsFor(exchange)), cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            Use(exchange, result);
        }

        return (error, result is { SummaryCalls.Count: > 0 });
    }

    // The policy the request asks for (X-Parley-Context, else the key's default) applied to the exchange's messages;
    // no result when there is no policy to apply. The conversation's saved summary goes in only for summarize.
    private async Task<(GatewayError? Error, ContextResult? Result, RunningSummary? Saved)> ApplyAsync(
        ChatExchange exchange, string? header, Func<ContextPolicy> summarize, CancellationToken cancellationToken)
    {
        var summarizing = false;
        var policy = ContextHeader.Parse(
            header ?? exchange.Key.DefaultContextPolicy,
            () =>
            {
                summarizing = true;
                return summarize();
            },
            out var error);
        if (error is not null)
        {
            return (error, null, null);
        }

        // A conversation grows with every turn: without a choice it is trimmed to the window, never refused.
        policy ??= exchange.Conversation is null ? null : ContextPolicy.TokenBudget();
        if (policy is null)
        {
            return (null, null, null);
        }

        var saved = summarizing ? exchange.Conversation?.Summary : null;
        var result = await policy.ApplyAsync(new ContextRequest { Messages = exchange.Messages, Budget = BudgetFor(exchange), Summary = saved }, cancellationToken).ConfigureAwait(false);
        return (null, result, saved);
    }

    // The exchange carries what the policy kept, recounted; how many messages were not sent as they were.
    private int Use(ChatExchange exchange, ContextResult result)
    {
        var left = result.Dropped + result.Summarized;
        if (left > 0)
        {
            exchange.ReplaceMessages(result.Messages);
            exchange.Dropped = result.Dropped;
            exchange.Summarized = result.Summarized;
            exchange.PromptTokens = exchange.CountPrompt(_sources.Counter);
        }

        return left;
    }

    private ContextBudget? BudgetFor(ChatExchange exchange) =>
        ContextBudget.For(exchange.Route.Model, _sources.Counter, exchange.Request.MaxTokens is { } max ? (int)Math.Min(max, int.MaxValue) : null)?.WithRequest(exchange.Request.Options);

    private ContextPolicy Summarize(ChatExchange exchange, out GatedSummarizer summarizer)
    {
        var route = exchange.Route;

        // The answer after the summary: a prompt of at most the window's prompt budget (else it is refused), and its
        // most output, as the endpoint reserves it.
        var answerWorstCase = route.Model.CostOf(
            new UsageDetails { InputTokenCount = BudgetFor(exchange)?.PromptBudget ?? exchange.PromptTokens.Value, OutputTokenCount = exchange.Request.MaxTokens ?? route.Model.MaxOutputTokens ?? 0 });
        summarizer = new GatedSummarizer(_summarizers.For(route), _gate, exchange, answerWorstCase, _sources.Counter, _sources.Secrets);
        return ContextPolicy.Summarize(summarizer, OptionsFor(exchange));
    }

    private static SummarizingPolicyOptions OptionsFor(ChatExchange exchange) => new()
    {
        SummaryModel = exchange.Route.UpstreamModel,

        // A stateless request is summarized only when it does not fit: its summary is not kept for a next request.
        AtShareOfWindow = exchange.Conversation is null ? 1.0 : null,
    };

    /// <summary>Counts the summary calls in /metrics and keeps them with the exchange; a failed one's error, if any.</summary>
    private GatewayError? Record(ChatExchange exchange, GatedSummarizer summarizer, ContextResult result, RunningSummary? saved)
    {
        var model = exchange.Route.Model;
        var calls = result.SummaryCalls.Select(c => c with { CostUsd = c.CostUsd ?? (c.Usage is { } usage ? model.CostOf(usage) : null) }).ToList();
        foreach (var call in calls)
        {
            _metrics.RecordSummary(exchange.Request.Model, exchange.Key.Name, call.Status != TurnStatus.Complete, call.Usage?.InputTokenCount, call.Usage?.OutputTokenCount, call.CostUsd, call.Latency ?? TimeSpan.Zero);
        }

        if (calls.FirstOrDefault(c => c.Status != TurnStatus.Complete) is { } failed)
        {
            return summarizer.Error ?? GatewayErrors.SummaryFailed(502, exchange.Route.Provider.Name, failed.Error ?? "no summary");
        }

        var summary = new ContextSummary(result.Summary, !ReferenceEquals(result.Summary, saved), calls, summarizer.CostUsd);
        exchange.Summary = summary;
        if (exchange.Conversation is { } conversation)
        {
            conversation.NewSummary = summary;
        }

        return null;
    }
}
