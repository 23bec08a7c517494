using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Middleware that records every call's usage and dollar cost (priced from a <see cref="ModelCatalog"/>) in a
/// <see cref="ConversationUsage"/>, on both the streaming and non-streaming paths.
/// </summary>
internal sealed class UsageTrackingChatClient : DelegatingChatClient
{
    private readonly ConversationUsage _usage;

    /// <summary>Creates the middleware.</summary>
    public UsageTrackingChatClient(IChatClient innerClient, ConversationUsage usage, ModelCatalog? catalog = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(usage);
        _usage = usage;
        Catalog = catalog ?? ModelCatalog.BuiltIn;
    }

    /// <summary>Where prices come from.</summary>
    public ModelCatalog Catalog { get; set; }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Record(response.ModelId ?? options?.ModelId, response.Usage);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
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

        Record(model ?? options?.ModelId, usage);
    }

    private void Record(string? modelId, UsageDetails? usage)
    {
        var model = modelId is null ? null : Catalog.Find(modelId);
        var cost = usage is null ? null : CostCalculator.Compute(usage, model);

        // A call that reported no usage has no known price either: it counts as unpriced (no tokens added).
        _usage.Add(usage ?? new UsageDetails(), cost);
    }
}
