using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley;

/// <summary>
/// Middleware that applies a <see cref="ContextPolicy"/> to every request, fitted to the requested model's window:
/// the model comes from <see cref="ChatOptions.ModelId"/> (else the inner client's default model) and is looked up
/// in <see cref="Catalog"/>. Unlike Microsoft.Extensions.AI's <c>ReducingChatClient</c> it counts tokens, not messages,
/// and reports what it did: the response (and the first update of a stream) carries the policy's
/// <see cref="ContextResult"/> under <see cref="ContextResult.ResultKey"/> in its <c>AdditionalProperties</c>, with every summary
/// call priced from <see cref="Catalog"/>; the decision and each summary call are logged
/// (<see cref="ParleyTelemetry.ContextApplied"/>, <see cref="ParleyTelemetry.SummaryCallCompleted"/>). The policy is
/// applied exactly as <see cref="ChatSession"/> applies it.
/// </summary>
/// <remarks>
/// One client serves any number of conversations: the running summary of a <see cref="SummarizingPolicy"/> is kept per
/// conversation — found again by the last message it covers (by reference, as the session finds it) and, when the
/// request names one, by <see cref="ChatOptions.ConversationId"/> — and is forgotten with that conversation's messages.
/// </remarks>
internal sealed class ContextPolicyChatClient : DelegatingChatClient
{
    private readonly ConversationSummaries _summaries = new();
    private readonly ILogger _logger;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The client that receives the reduced requests.</param>
    /// <param name="policy">The policy to apply.</param>
    /// <param name="logger">Where the decisions and summary calls are logged (null: nowhere).</param>
    public ContextPolicyChatClient(IChatClient innerClient, ContextPolicy policy, ILogger? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The policy applied to each request.</summary>
    public ContextPolicy Policy { get; }

    /// <summary>Where model windows come from (default <see cref="ModelCatalog.BuiltIn"/>).</summary>
    public ModelCatalog Catalog { get; set; } = ModelCatalog.BuiltIn;

    /// <summary>The counter (default: one of this client's own).</summary>
    public TokenCounter TokenCounter { get; set; } = new();

    /// <summary>Tokens kept free for the answer (null: the request's max output tokens, else <see cref="PromptPreflight.DefaultReserve"/>).</summary>
    public int? ReserveOutputTokens { get; set; }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await ReduceAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(result.Messages, options, cancellationToken).ConfigureAwait(false);
        (response.AdditionalProperties ??= [])[ContextResult.ResultKey] = result;
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var result = await ReduceAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var first = true;
        await foreach (var update in base.GetStreamingResponseAsync(result.Messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (first)
            {
                (update.AdditionalProperties ??= [])[ContextResult.ResultKey] = result;
                first = false;
            }

            yield return update;
        }
    }

    private async Task<ContextResult> ReduceAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        IReadOnlyList<ChatMessage> candidates = [.. messages];
        var conversation = options?.ConversationId;
        var budget = BudgetFor(options);
        var (name, result) = await ContextApplication.ApplyAsync(
            Policy, candidates, budget, _summaries.Find(candidates, conversation), preview: false,
            (modelId, usage) => usage is null ? null : CostCalculator.Compute(usage, (modelId is null ? null : Catalog.Find(modelId)) ?? budget?.Model),
            cancellationToken).ConfigureAwait(false);
        _summaries.Keep(result.Summary, conversation);
        ParleyTelemetry.RecordContext(name, result);
        ParleyLog.Applied(_logger, name, result);
        return result;
    }

    // The catalog's window only (no endpoint's learned limits here); without one the policy's own budget.
    private ContextBudget? BudgetFor(ChatOptions? options) =>
        ContextBudget.Resolve(Catalog, TokenCounter, options?.ModelId ?? InnerClient.GetService<ChatClientMetadata>()?.DefaultModelId, options, ReserveOutputTokens)
        ?? Policy.Budget;
}
