using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Middleware that applies a <see cref="ContextPolicy"/> to every request, fitted to the requested model's window:
/// the model comes from <see cref="ChatOptions.ModelId"/> (else the inner client's default model) and is looked up
/// in <see cref="Catalog"/>. Unlike Microsoft.Extensions.AI's <c>ReducingChatClient</c> it counts tokens, not messages,
/// and reports every summary call (<see cref="Reduced"/>) priced from <see cref="Catalog"/>, so its cost can be
/// recorded. The policy is applied exactly as <see cref="ChatSession"/> applies it.
/// </summary>
/// <remarks>
/// The running summary of a <see cref="SummarizingPolicy"/> is kept by this client: use one client per conversation.
/// </remarks>
public sealed class ContextPolicyChatClient : DelegatingChatClient
{
    private RunningSummary? _summary;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The client that receives the reduced requests.</param>
    /// <param name="policy">The policy to apply.</param>
    public ContextPolicyChatClient(IChatClient innerClient, ContextPolicy policy)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
    }

    /// <summary>The policy applied to each request.</summary>
    public ContextPolicy Policy { get; }

    /// <summary>Where model windows come from (default <see cref="ModelCatalog.BuiltIn"/>).</summary>
    public ModelCatalog Catalog { get; set; } = ModelCatalog.BuiltIn;

    /// <summary>The counter (default: one of this client's own).</summary>
    public TokenCounter TokenCounter { get; set; } = new();

    /// <summary>Tokens kept free for the answer (null: the request's max output tokens, else <see cref="PromptPreflight.DefaultReserve"/>).</summary>
    public int? ReserveOutputTokens { get; set; }

    /// <summary>Called after each reduction with what was sent, dropped and summarized (and the summary calls made).</summary>
    public Action<ContextResult>? Reduced { get; set; }

    /// <summary>The running summary kept for the conversation (summarizing policy only).</summary>
    public RunningSummary? Summary => _summary;

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var reduced = await ReduceAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(reduced, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reduced = await ReduceAsync(messages, options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(reduced, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<IReadOnlyList<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var budget = BudgetFor(options);
        var (_, result) = await ContextApplication.ApplyAsync(
            Policy, [.. messages], budget, _summary, preview: false,
            (modelId, usage) => usage is null ? null : CostCalculator.Compute(usage, (modelId is null ? null : Catalog.Find(modelId)) ?? budget?.Model),
            cancellationToken).ConfigureAwait(false);
        _summary = result.Summary;
        ParleyTelemetry.RecordContextDrops(Policy.Name, result);
        Reduced?.Invoke(result);
        return result.Messages;
    }

    // The catalog's window only (no endpoint's learned limits here); without one the policy's own budget.
    private ContextBudget? BudgetFor(ChatOptions? options) =>
        ContextBudget.Resolve(Catalog, TokenCounter, options?.ModelId ?? InnerClient.GetService<ChatClientMetadata>()?.DefaultModelId, options, ReserveOutputTokens)
        ?? Policy.Budget;
}
