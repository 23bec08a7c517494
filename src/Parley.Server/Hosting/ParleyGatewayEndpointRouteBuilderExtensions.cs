using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Server;

/// <summary>Maps Parley's OpenAI-compatible gateway endpoints into an ASP.NET Core application.</summary>
public static class ParleyGatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /v1/chat/completions</c> (JSON and SSE, forwarded byte for byte with <c>usage.cost_usd</c> added),
    /// <c>GET /v1/models</c>, the web chat's JSON API under <c>/v1/parley/</c> (the key's budget, its conversations, the
    /// count of the next request), the key-free <c>GET /healthz</c> and <c>GET /metrics</c> (Prometheus text), and the
    /// web chat page at <c>GET /</c> (its files embedded in this assembly; signing in takes a virtual key).
    /// Needs <see cref="ParleyGatewayServiceCollectionExtensions.AddParleyGateway"/>.
    /// </summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    /// <exception cref="InvalidOperationException">The gateway's services, or a request gate, are not registered.</exception>
    public static IEndpointRouteBuilder MapParleyGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        if (services.GetService<ParleyGatewayOptions>() is null)
        {
            throw new InvalidOperationException("call services.AddParleyGateway() before app.MapParleyGateway().");
        }

        if (services.GetService<IRequestGate>() is null)
        {
            throw new InvalidOperationException(
                "the gateway has no request gate: register an IRequestGate, or let AddParleyGateway register the virtual-key gate.");
        }

        var chat = services.GetRequiredService<ChatCompletionsEndpoint>();
        var models = services.GetRequiredService<ModelsEndpoint>();
        var metrics = services.GetRequiredService<GatewayMetrics>();
        endpoints.MapPost("/v1/chat/completions", chat.HandleAsync);
        endpoints.MapGet("/v1/models", models.HandleAsync);
        endpoints.MapGet("/healthz", WriteHealthAsync);
        endpoints.MapGet("/metrics", metrics.HandleAsync);
        endpoints.MapParleyWebApi();
        WebChatAssets.Map(endpoints);
        return endpoints;
    }

    private static Task WriteHealthAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("{\"status\":\"ok\"}", context.RequestAborted);
    }
}
