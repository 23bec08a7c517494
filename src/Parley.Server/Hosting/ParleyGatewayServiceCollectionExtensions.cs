using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Parley.Server;

/// <summary>Adds Parley's OpenAI-compatible gateway to an ASP.NET Core application's services.</summary>
public static class ParleyGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the gateway's services: upstream resolution and pooled connections, the token counter, the retry
    /// policy, the metrics and the history writer (which drains pending saves when the host stops). Map the endpoints
    /// with <see cref="ParleyGatewayEndpointRouteBuilderExtensions.MapParleyGateway"/>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Changes the settings; null keeps the defaults of <see cref="ParleyGatewayOptions"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddParleyGateway(this IServiceCollection services, Action<ParleyGatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ParleyGatewayOptions();
        configure?.Invoke(options);
        if (options.MaxRequestBodyBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), "MaxRequestBodyBytes must be positive.");
        }

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewaySources>();
        services.AddSingleton<UpstreamRegistry>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<InFlightExchanges>();
        services.AddSingleton<ExchangeRecorder>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<ModelsEndpoint>();
        services.AddParleyWebApi();
        services.AddHostedService(provider => provider.GetRequiredService<GatewaySources>());
        services.AddHostedService(provider => provider.GetRequiredService<ExchangeRecorder>());
        if (options.AllowAnonymous)
        {
            services.TryAddSingleton<IRequestGate, OpenRequestGate>();
        }
        else
        {
            services.TryAddSingleton<IApiKeyStore>(_ => options.ApiKeys ?? options.ConversationLog as IApiKeyStore
                ?? throw new InvalidOperationException(
                    "virtual keys need a key store: set ParleyGatewayOptions.ApiKeys (SqliteConversationStore and PostgresConversationStore keep keys), or AllowAnonymous on a loopback-only gateway."));
            services.AddParleyKeyGate();
        }

        return services;
    }
}
