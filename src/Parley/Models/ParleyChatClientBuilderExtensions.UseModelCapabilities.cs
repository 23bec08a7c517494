using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Shapes each request to what its model accepts (system role, temperature, reasoning effort, output-limit field),
    /// from <paramref name="catalog"/>. See <see cref="ModelCapabilitiesChatClient"/>.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="catalog">Where model capabilities come from; null uses <see cref="ModelCatalog.BuiltIn"/>.</param>
    /// <param name="loggerFactory">
    /// Where dropped options are logged (<see cref="ParleyTelemetry.OptionDropped"/>); null: the pipeline's services'
    /// <see cref="ILoggerFactory"/>, if any.
    /// </param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseModelCapabilities(
        this ChatClientBuilder builder,
        ModelCatalog? catalog = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            return new ModelCapabilitiesChatClient(
                inner, catalog ?? ModelCatalog.BuiltIn, ParleyLog.For<ModelCapabilitiesChatClient>(loggerFactory, services));
        });
    }
}
