using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// The summarizer one request's <see cref="SummarizingPolicy"/> calls: each summary call passes the key's gate first
/// (model list, rate limits, and its worst-case cost reserved against the budget: the exact prompt plus the most the
/// summary may use), goes to the upstream through the shared provider client (with Parley's retries), and is settled to
/// its real cost. A refusal or a failure is kept in <see cref="Error"/> as the OpenAI-shaped error the gateway sends,
/// and thrown, so the policy records a failed call and the gateway sends nothing to the main model.
/// </summary>
internal sealed class GatedSummarizer : DelegatingChatClient
{
    private readonly IRequestGate _gate;
    private readonly ChatExchange _exchange;
    private readonly TokenCounter _counter;
    private readonly SecretRedactor _secrets;

    public GatedSummarizer(IChatClient inner, IRequestGate gate, ChatExchange exchange, TokenCounter counter, SecretRedactor secrets)
        : base(inner)
    {
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
        var worstCase = CostCalculator.Compute(new UsageDetails { InputTokenCount = promptTokens, OutputTokenCount = maxOutput }, model);
        var decision = await _gate.AdmitAsync(_exchange.Key, new GateRequest(_exchange.Request.Model, promptTokens, maxOutput, worstCase), cancellationToken).ConfigureAwait(false);
        if (decision.Ticket is not { } ticket)
        {
            Error = decision.Error!;
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
            var cost = CostCalculator.Compute(usage, model);
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
