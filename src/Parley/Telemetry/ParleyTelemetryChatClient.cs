using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Middleware that records each call's dollar cost, priced from a <see cref="ModelCatalog"/>, on the
/// <c>parley.client.cost</c> counter of <see cref="ParleyTelemetry"/>, tagged like Microsoft.Extensions.AI's
/// <c>gen_ai.client.token.usage</c>. Both paths; a streamed call is recorded when it ends. A call whose cost cannot be
/// known (no usage, a model without prices) records nothing. Stateless: one instance serves any number of callers.
/// </summary>
internal sealed class ParleyTelemetryChatClient : DelegatingChatClient
{
    private readonly ModelCatalog _catalog;
    private ChatClientMetadata? _metadata;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The client requests are sent through.</param>
    /// <param name="catalog">Where prices come from; null uses <see cref="ModelCatalog.BuiltIn"/>.</param>
    public ParleyTelemetryChatClient(IChatClient innerClient, ModelCatalog? catalog = null)
        : base(innerClient)
    {
        _catalog = catalog ?? ModelCatalog.BuiltIn;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        RecordCost(options, response.ModelId, response.Usage);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        UsageDetails? usage = null;
        string? responseModel = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            responseModel ??= update.ModelId;
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is UsageContent { Details: { } details })
                {
                    usage ??= new UsageDetails();
                    usage.Add(details);
                }
            }

            yield return update;
        }

        RecordCost(options, responseModel, usage);
    }

    private void RecordCost(ChatOptions? options, string? responseModel, UsageDetails? usage)
    {
        if (usage is null || !ParleyTelemetry.Cost.Enabled)
        {
            return;
        }

        var metadata = _metadata ??= InnerClient.GetService<ChatClientMetadata>() ?? new ChatClientMetadata();
        var requestModel = options?.ModelId ?? metadata.DefaultModelId;
        var modelId = responseModel ?? requestModel;
        if (modelId is null || CostCalculator.Compute(usage, _catalog.Find(modelId)) is not { } cost)
        {
            return;
        }

        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", metadata.ProviderName },
            { "gen_ai.request.model", requestModel },
            { "gen_ai.response.model", responseModel },
        };
        ParleyTelemetry.Cost.Add((double)cost, tags);
    }
}
