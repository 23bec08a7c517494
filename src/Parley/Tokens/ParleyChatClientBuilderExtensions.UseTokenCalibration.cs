using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Calibrates <paramref name="counter"/>'s estimates from the prompt tokens servers report (see
    /// <see cref="TokenCalibrationChatClient"/>). Add it before (outside) middleware that rewrites messages, so it sees
    /// the messages as the caller counts them.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="counter">The counter to calibrate (give it a <see cref="ILearnedModelFacts"/> to remember ratios).</param>
    /// <param name="catalog">Where models are looked up; null uses <see cref="ModelCatalog.BuiltIn"/>.</param>
    /// <param name="configure">Called with the new client.</param>
    /// <param name="loggerFactory">
    /// Where calibrations are logged (<see cref="ParleyEventIds.Calibrated"/>); null: the pipeline's services'
    /// <see cref="ILoggerFactory"/>, if any.
    /// </param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseTokenCalibration(
        this ChatClientBuilder builder,
        TokenCounter counter,
        ModelCatalog? catalog = null,
        Action<TokenCalibrationChatClient>? configure = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(counter);
        return builder.Use((inner, services) =>
        {
            var client = new TokenCalibrationChatClient(
                inner, counter, catalog ?? ModelCatalog.BuiltIn, ParleyLog.For<TokenCalibrationChatClient>(loggerFactory, services));
            configure?.Invoke(client);
            return client;
        });
    }
}
