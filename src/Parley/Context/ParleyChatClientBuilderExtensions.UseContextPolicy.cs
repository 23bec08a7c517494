using Microsoft.Extensions.AI;

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
    /// <param name="configure">Called with the new client, to set its catalog, counter, reserve or callback.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseContextPolicy(
        this ChatClientBuilder builder, ContextPolicy policy, Action<ContextPolicyChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        return builder.Use(inner =>
        {
            var client = new ContextPolicyChatClient(inner, policy);
            configure?.Invoke(client);
            return client;
        });
    }
}
