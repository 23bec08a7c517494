using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// The summarizer one request's <see cref="SummarizingPolicy"/> calls: each summary call passes the key's gate first
/// (model list, rate limits, and a worst-case cost reserved against the budget: the exact prompt plus the most the
/// summary may use, plus the answer's worst case after it, so a key is never charged for a summary whose answer it then
/// cannot afford), goes to the upstream through the shared provider client (with Parley's retries), and is settled to
/// the summary's real cost. A refusal or a failure is kept in <see cref="Error"/> as the OpenAI-shaped error the gateway sends,
/// and thrown, so the policy records a failed call and the gateway sends nothing to the main model.
/// </summary>
internal sealed class GatedSummarizer : DelegatingChatClient
{
    private readonly IRequestGate _gate;
    private readonly ChatExchange _exchange;
    private readonly TokenCounter _counter;
    private readonly SecretRedactor _secrets;

    private readonly decimal? _answerWorstCase;

    /// <param name="inner">The upstream's summary client.</param>
    /// <param name="gate">The key's gate.</param>
    /// <param name="exchange">The request the summary is for.</param>
    /// <param name="answerWorstCase">The most the answer after the summary can cost (null: unknown price).</param>
    /// <param name="counter">Counts the summary prompts.</param>
    /// <param name="secrets">Masks upstream errors.</param>
    public GatedSummarizer(IChatClient inner, IRequestGate gate, ChatExchange exchange, decimal? answerWorstCase, TokenCounter counter, SecretRedactor secrets)
        : base(inner)
    {
        _answerWorstCase = answerWorstCase;
        _gate = gate;
        _exchange = exchange;
        _counter = counter;
        _secrets = secrets;
    }

    /// <summary>Why the last summary call did not happen or failed (null: none did).</summary>
    public GatewayError? Error { get; private set; }

    /// <summary>The settled cost of the calls made (null once one had no known price).</summary>
    public decimal? CostUsd { get; private set; } = 0m;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ChatMessage> prompt = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var route = _exchange.Route;
        var model = route.Model;
        var promptTokens = _counter.CountPrompt(prompt, model).Value;
        var maxOutput = (long?)options?.MaxOutputTokens ?? model.MaxOutputTokens ?? 0;
        var worstCase = model.CostOf(new UsageDetails { InputTokenCount = promptTokens, OutputTokenCount = maxOutput }) + _answerWorstCase;
        var decision = await _gate.AdmitAsync(_exchange.Key, new GateRequest(_exchange.Request.Model, promptTokens, maxOutput, worstCase), cancellationToken).ConfigureAwait(false);
        if (decision.Ticket is not { } ticket)
        {
            Error = decision.Error!.Code == "insufficient_quota"
                ? decision.Error with { Message = decision.Error.Message + " (X-Parley-Context: summarize: a summary call comes first, and its worst case includes the answer's.)" }
                : decision.Error;
            throw new InvalidOperationException("the key's gate refused the summary call: " + Error.Message);
        }

        await using (ticket.ConfigureAwait(false))
        {
            ChatResponse response;
            try
            {
                response = await base.GetResponseAsync(prompt, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Error = Translate(e, route.Provider.Name);
                throw;
            }

            // An upstream that reports no usage is charged what Parley counted, so the budget never forgets the call.
            var usage = response.Usage ?? new UsageDetails { InputTokenCount = promptTokens, OutputTokenCount = _counter.CountText(response.Text, model).Value };
            var cost = model.CostOf(usage);
            await ticket.SettleAsync(usage.InputTokenCount ?? promptTokens, usage.OutputTokenCount ?? 0, cost, CancellationToken.None).ConfigureAwait(false);
            CostUsd = CostUsd + cost;
            return response;
        }
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("summary calls are not streamed.");

    private GatewayError Translate(Exception error, string provider)
    {
        var detail = _secrets.Redact(error.Message);
        return error switch
        {
            ParleyApiException { Kind: ApiFailureKind.HttpError, StatusCode: { } status } when status >= 500 || status == 429 =>
                GatewayErrors.SummaryFailed(status, provider, detail),
            ParleyApiException { Kind: ApiFailureKind.Timeout } or TimeoutException => GatewayErrors.SummaryFailed(504, provider, detail),
            _ => GatewayErrors.SummaryFailed(502, provider, detail),
        };
    }
}
