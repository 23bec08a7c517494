namespace Parley;

/// <summary>Fills what the options leave open from a pipeline's services.</summary>
internal static class ResilienceServices
{
    public static ResilienceOptions? WithTimeProvider(ResilienceOptions? options, IServiceProvider services)
    {
        if (options?.TimeProvider is not null || services.GetService(typeof(TimeProvider)) is not TimeProvider fromServices)
        {
            return options;
        }

        return (options ?? new ResilienceOptions()) with { TimeProvider = fromServices };
    }
}
