using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley.Server;

/// <summary>
/// Runs a web API request (<c>/v1/parley/…</c>) for its caller: authenticates the bearer key through the same
/// <see cref="IRequestGate"/> as <c>/v1/chat/completions</c> (401 without one), and answers every failure in OpenAI's
/// shape — a conversation gone in between 404, the database down 503, anything else 500 — never a stack trace.
/// </summary>
internal sealed class WebApiGuard
{
    private readonly IRequestGate _gate;
    private readonly GatewaySources _sources;
    private readonly ILogger _logger;

    public WebApiGuard(IRequestGate gate, GatewaySources sources, ILogger<WebApiGuard>? logger = null)
    {
        _gate = gate;
        _sources = sources;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task RunAsync(HttpContext context, Func<HttpContext, GateKey, CancellationToken, Task> handle)
    {
        var cancellationToken = context.RequestAborted;
        try
        {
            var bearer = BearerToken.Read(context.Request);
            var key = await _gate.AuthenticateAsync(bearer, cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                await ErrorResponse.WriteAsync(context, await _gate.UnauthenticatedErrorAsync(bearer, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            await handle(context, key, cancellationToken).ConfigureAwait(false);
        }
        catch (ConversationNotFoundException) when (!context.Response.HasStarted)
        {
            // Deleted between the lookup and the work: as if it never was.
            var id = context.Request.RouteValues["id"] as string ?? string.Empty;
            await ErrorResponse.WriteAsync(context, WebApiErrors.ConversationNotFound(id)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ParleyStorageException or TimeoutException)
        {
            GatewayLog.StorageUnavailable(_logger, _sources.Secrets.Redact(e.Message));
            await ErrorResponse.WriteAsync(context, GatewayErrors.StorageUnavailable()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GatewayLog.Unexpected(_logger, e.GetType().Name, _sources.Secrets.Redact(e.Message));
            await ErrorResponse.WriteAsync(context, GatewayErrors.Internal()).ConfigureAwait(false);
        }
    }
}
