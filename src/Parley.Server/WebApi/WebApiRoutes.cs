using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Server;

/// <summary>
/// The JSON API of the web chat (<c>/v1/parley/…</c>): the caller's key and budget, its conversations, and the count
/// of the next request. Every route authenticates like <c>/v1/chat/completions</c> (<see cref="WebApiGuard"/>); the
/// page uses nothing a script could not.
/// </summary>
internal static class WebApiRoutes
{
    public static IServiceCollection AddParleyWebApi(this IServiceCollection services)
    {
        services.AddSingleton<WebApiGuard>();
        services.AddSingleton<MeEndpoint>();
        services.AddSingleton<ConversationsEndpoint>();
        services.AddSingleton<ConversationExportEndpoint>();
        services.AddSingleton<ContextEndpoint>();
        return services;
    }

    public static void MapParleyWebApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var guard = services.GetRequiredService<WebApiGuard>();
        var me = services.GetRequiredService<MeEndpoint>();
        var conversations = services.GetRequiredService<ConversationsEndpoint>();
        var export = services.GetRequiredService<ConversationExportEndpoint>();
        var context = services.GetRequiredService<ContextEndpoint>();
        RequestDelegate Guarded(Func<HttpContext, GateKey, CancellationToken, Task> handle) => http => guard.RunAsync(http, handle);

        endpoints.MapGet("/v1/parley/me", Guarded(me.HandleAsync));
        endpoints.MapGet("/v1/parley/conversations", Guarded(conversations.ListAsync));
        endpoints.MapGet("/v1/parley/conversations/{id}", Guarded(conversations.GetAsync));
        endpoints.MapMethods("/v1/parley/conversations/{id}", ["PATCH"], Guarded(conversations.RenameAsync));
        endpoints.MapDelete("/v1/parley/conversations/{id}", Guarded(conversations.DeleteAsync));
        endpoints.MapPost("/v1/parley/conversations/{id}/truncate", Guarded(conversations.TruncateAsync));
        endpoints.MapGet("/v1/parley/conversations/{id}/export", Guarded(export.HandleAsync));
        endpoints.MapPost("/v1/parley/context", Guarded(context.HandleAsync));
    }
}
