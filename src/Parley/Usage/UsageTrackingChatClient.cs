using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Middleware that records every call's usage and dollar cost (priced from a <see cref="ModelCatalog"/>) in a
/// <see cref="UsageLedger"/>, on both the streaming and non-streaming paths.
/// </summary>
internal sealed class UsageTrackingChatClient : DelegatingChatClient
{
    private readonly UsageLedger _ledger;

    /// <summary>Creates the middleware.</summary>
    public UsageTrackingChatClient(IChatClient innerClient, UsageLedger ledger, ModelCatalog? catalog = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        _ledger = ledger;
        Catalog = catalog ?? ModelCatalog.BuiltIn;
    }

    /// <summary>Where prices come from.</summary>
    public ModelCatalog Catalog { get; set; }

    /// <summary>The clock used for latency.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = TimeProvider.GetTimestamp();
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Record(response.ModelId ?? options?.ModelId, response.Usage, started);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = TimeProvider.GetTimestamp();
        UsageDetails? usage = null;
        string? model = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            model ??= update.ModelId;
            foreach (var content in update.Contents)
            {
                if (content is UsageContent { Details: { } details })
                {
                    usage ??= new UsageDetails();
                    usage.Add(details);
                }
            }

            yield return update;
        }

        Record(model ?? options?.ModelId, usage, started);
    }

    private void Record(string? modelId, UsageDetails? usage, long started)
    {
        var model = modelId is null ? null : Catalog.Find(modelId);
        var cost = usage is null ? null : CostCalculator.Compute(usage, model);
        _ledger.Record(new UsageEntry(modelId, usage, cost, TimeProvider.GetElapsedTime(started)));
    }
}
