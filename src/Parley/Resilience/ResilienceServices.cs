using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>Fills what the options leave open from a pipeline's services.</summary>
internal static class ResilienceServices
{
    /// <summary>The options with the services' <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> where they name none.</summary>
    public static ResilienceOptions? FromServices(ResilienceOptions? options, IServiceProvider services) =>
        WithLoggerFactory(WithTimeProvider(options, services), services);

    private static ResilienceOptions? WithLoggerFactory(ResilienceOptions? options, IServiceProvider services)
    {
        if (options?.LoggerFactory is not null || services.GetService(typeof(ILoggerFactory)) is not ILoggerFactory fromServices)
        {
            return options;
        }

        return (options ?? new ResilienceOptions()) with { LoggerFactory = fromServices };
    }

    public static ResilienceOptions? WithTimeProvider(ResilienceOptions? options, IServiceProvider services)
    {
        if (options?.TimeProvider is not null || services.GetService(typeof(TimeProvider)) is not TimeProvider fromServices)
        {
            return options;
        }

        return (options ?? new ResilienceOptions()) with { TimeProvider = fromServices };
    }
}
