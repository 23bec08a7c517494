using Microsoft.Extensions.AI;

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
    /// <param name="configure">Called with the new client, e.g. to set <see cref="ModelCapabilitiesChatClient.OptionDropped"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseModelCapabilities(
        this ChatClientBuilder builder, ModelCatalog? catalog = null, Action<ModelCapabilitiesChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner =>
        {
            var client = new ModelCapabilitiesChatClient(inner, catalog ?? ModelCatalog.BuiltIn);
            configure?.Invoke(client);
            return client;
        });
    }
}
