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
    /// Applies <paramref name="policy"/> to every request, fitted to the requested model's window (see
    /// <see cref="ContextPolicyChatClient"/>).
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="configure">Called with the new client, to set its catalog, counter or reserve.</param>
    /// <param name="loggerFactory">
    /// Where decisions and summary calls are logged (<see cref="ParleyEventIds.ContextApplied"/>,
    /// <see cref="ParleyEventIds.SummaryCallCompleted"/>); null: the pipeline's services' <see cref="ILoggerFactory"/>, if any.
    /// </param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseContextPolicy(
        this ChatClientBuilder builder, ContextPolicy policy, Action<ContextPolicyChatClient>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        return builder.Use((inner, services) =>
        {
            var client = new ContextPolicyChatClient(inner, policy, ParleyLog.For<ContextPolicyChatClient>(loggerFactory, services));
            configure?.Invoke(client);
            return client;
        });
    }
}
