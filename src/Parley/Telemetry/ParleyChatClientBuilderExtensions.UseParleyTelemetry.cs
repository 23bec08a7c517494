using Microsoft.Extensions.AI;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Records each call's dollar cost on the <c>Parley</c> meter (see <see cref="ParleyTelemetry"/>). Pair it with
    /// Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c> for spans, token usage, duration and time to first chunk.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="catalog">Where prices come from; null uses <see cref="ModelCatalog.BuiltIn"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseParleyTelemetry(
        this ChatClientBuilder builder, ModelCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner =>
        {
            return new ParleyTelemetryChatClient(inner, catalog);
        });
    }
}
