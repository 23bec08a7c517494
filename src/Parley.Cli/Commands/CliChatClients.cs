using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// Builds the CLI's client pipeline: token calibration (outermost, it sees the messages as the session counts them),
/// the model's request capabilities, then timeouts and retries announced on stderr, then the provider client.
/// </summary>
internal static class CliChatClients
{
    /// <param name="provider">Where requests go.</param>
    /// <param name="reliability">Retry and timeout flags.</param>
    /// <param name="ui">Where retries and dropped options are announced (through <see cref="ConsoleNoticeLoggerProvider"/>).</param>
    /// <param name="catalog">Model capabilities (system role, temperature, max-tokens field); null: the built-in catalog.</param>
    /// <param name="counter">A counter to calibrate from reported prompt tokens (and size Ollama's num_ctx); null: no calibration.</param>
    public static IChatClient Create(
        ResolvedProvider provider, ReliabilitySettings reliability, ConsoleInteraction ui, ModelCatalog? catalog = null, TokenCounter? counter = null)
    {
        var inner = ChatClientFactory.Create(provider, new ChatClientFactoryOptions
        {
            ConnectTimeout = reliability.ConnectTimeout,
            Catalog = catalog,
            TokenCounter = counter,
        });
        var notices = new ConsoleNoticeLoggerProvider(ui);
        var builder = inner.AsBuilder();
        if (counter is not null)
        {
            builder.UseTokenCalibration(counter, catalog, onlyWhenTokenizerLoaded: true, notices);
        }

        return builder
            .UseModelCapabilities(catalog, loggerFactory: notices)
            .UseResilience(new ResilienceOptions
            {
                MaxRetries = reliability.MaxRetries,
                IdleTimeout = reliability.IdleTimeout,
                RequestTimeout = reliability.RequestTimeout,
                LoggerFactory = notices,
            })
            .Build();
    }

    /// <summary>Waits until the token calibrations of the answers so far are saved (before the process exits).</summary>
    public static Task WhenCalibratedAsync(IChatClient client) =>
        client.GetService<TokenCounter>()?.WhenCalibratedAsync() ?? Task.CompletedTask;
}
