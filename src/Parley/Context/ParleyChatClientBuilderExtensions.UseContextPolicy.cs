using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>
/// Adds Parley's middleware to a <see cref="ChatClientBuilder"/> pipeline: one <c>UseX</c> method per file
/// (<c>ParleyChatClientBuilderExtensions.UseX.cs</c>), beside the middleware it adds.
/// </summary>
public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Applies <paramref name="policy"/> to every request, fitted to the requested model's window (the model's
    /// context window from <paramref name="catalog"/>, minus the request's output limit or
    /// <paramref name="reserveOutputTokens"/>). Each response carries its <see cref="ContextResult"/> in
    /// <see cref="ChatResponse.AdditionalProperties"/> under <see cref="ContextResult.ResultKey"/>.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="catalog">Where model windows come from; null: <see cref="ModelCatalog.BuiltIn"/>.</param>
    /// <param name="counter">Counts the prompt; null: a new <see cref="TokenCounter"/>.</param>
    /// <param name="reserveOutputTokens">Tokens kept for the answer when a request sets no output limit; null: the default.</param>
    /// <param name="loggerFactory">
    /// Where decisions and summary calls are logged (<see cref="ParleyTelemetry.ContextApplied"/>,
    /// <see cref="ParleyTelemetry.SummaryCallCompleted"/>); null: the pipeline's services' <see cref="ILoggerFactory"/>, if any.
    /// </param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseContextPolicy(
        this ChatClientBuilder builder, ContextPolicy policy, ModelCatalog? catalog = null, TokenCounter? counter = null,
        int? reserveOutputTokens = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        return builder.Use((inner, services) =>
        {
            var client = new ContextPolicyChatClient(inner, policy, ParleyLog.For<ContextPolicyChatClient>(loggerFactory, services))
            {
                ReserveOutputTokens = reserveOutputTokens,
            };
            if (catalog is not null)
            {
                client.Catalog = catalog;
            }

            if (counter is not null)
            {
                client.TokenCounter = counter;
            }

            return client;
        });
    }
}
