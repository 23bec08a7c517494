using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>Adds <see cref="ModelCapabilitiesChatClient"/> to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class ModelCapabilitiesChatClientBuilderExtensions
{
    /// <summary>
    /// Shapes each request to what its model accepts (system role, temperature, reasoning effort, output-limit field),
    /// from <paramref name="catalog"/>. See <see cref="ModelCapabilitiesChatClient"/>.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="catalog">Where model capabilities come from; null uses <see cref="ModelCatalog.BuiltIn"/>.</param>
    /// <param name="configure">Called with the new client.</param>
    /// <param name="loggerFactory">
    /// Where dropped options are logged (<see cref="ParleyEventIds.OptionDropped"/>); null: the pipeline's services'
    /// <see cref="ILoggerFactory"/>, if any.
    /// </param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseModelCapabilities(
        this ChatClientBuilder builder,
        ModelCatalog? catalog = null,
        Action<ModelCapabilitiesChatClient>? configure = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var client = new ModelCapabilitiesChatClient(
                inner, catalog ?? ModelCatalog.BuiltIn, ParleyLog.For<ModelCapabilitiesChatClient>(loggerFactory, services));
            configure?.Invoke(client);
            return client;
        });
    }
}
