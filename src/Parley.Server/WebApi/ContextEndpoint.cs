using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>
/// <c>POST /v1/parley/context</c>: what the next chat request would carry, counted without sending it. The body (and
/// the <c>X-Parley-Conversation</c> / <c>X-Parley-Context</c> headers) are those the page would send to
/// <c>/v1/chat/completions</c>; the count runs the gateway's own steps — the conversation's saved history joined with
/// the new messages, the context policy, the prompt count (<see cref="ContextFit"/>) — so it equals what the upstream
/// reports as <c>usage.prompt_tokens</c>. Nothing is saved and no conversation is created.
/// </summary>
internal sealed class ContextEndpoint
{
    private readonly GatewaySources _sources;
    private readonly UpstreamRegistry _upstreams;
    private readonly ParleyGatewayOptions _options;

    public ContextEndpoint(GatewaySources sources, UpstreamRegistry upstreams, ParleyGatewayOptions options)
    {
        _sources = sources;
        _upstreams = upstreams;
        _options = options;
    }

    public async Task HandleAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        byte[]? body;
        try
        {
            body = await RequestBodyReader.ReadAsync(context.Request, _options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }

        if (body is null)
        {
            await ErrorResponse.WriteAsync(context, GatewayErrors.BodyTooLarge(_options.MaxRequestBodyBytes)).ConfigureAwait(false);
            return;
        }

        using var request = ChatRequest.TryParse(body, out var invalid);
        if (request is null)
        {
            await ErrorResponse.WriteAsync(context, invalid!).ConfigureAwait(false);
            return;
        }

        if (await _upstreams.RouteAsync(request.Model, cancellationToken).ConfigureAwait(false) is not { } route)
        {
            await ErrorResponse.WriteAsync(context, GatewayErrors.ModelNotFound(request.Model)).ConfigureAwait(false);
            return;
        }

        var headers = context.Request.Headers;
        var clientId = ConversationId.Read(headers[ConversationId.Header] is { Count: > 0 } idHeader ? idHeader.ToString() : null, request, out _, out var badId);
        if (badId is not null)
        {
            await ErrorResponse.WriteAsync(context, badId).ConfigureAwait(false);
            return;
        }

        var exchange = new ChatExchange(request, route, key);
        if (clientId is not null)
        {
            if (_sources.Log is not IConversationHistory conversations)
            {
                await ErrorResponse.WriteAsync(context, WebApiErrors.NotSupported()).ConfigureAwait(false);
                return;
            }

            exchange.Use(await GatewayConversation.PreviewAsync(_sources.Log, conversations, clientId, key.ConversationOwner, exchange, cancellationToken).ConfigureAwait(false));
        }

        var policy = headers[ContextHeader.Name];
        if (await ContextFit.ApplyAsync(exchange, policy.Count > 0 ? policy.ToString() : null, _sources.Counter, cancellationToken).ConfigureAwait(false) is { } badPolicy)
        {
            await ErrorResponse.WriteAsync(context, badPolicy).ConfigureAwait(false);
            return;
        }

        var model = route.Model;
        await JsonReply.WriteAsync(
            context,
            json =>
            {
                json.WriteStartObject();
                json.WriteNumber("prompt_tokens", exchange.PromptTokens.Value);
                json.WriteBoolean("estimate", exchange.PromptTokens.IsEstimate);
                json.WriteNumberOrNull("context_window", model.ContextWindow);
                json.WriteNumberOrNull("max_output_tokens", request.MaxTokens ?? model.MaxOutputTokens);
                json.WriteNumber("messages", exchange.Messages.Count);
                if (exchange.Dropped > 0)
                {
                    json.WriteString("dropped", exchange.Dropped == 1
                        ? "1 earlier message is left out by the context policy"
                        : $"{exchange.Dropped} earlier messages are left out by the context policy");
                }

                else
                {
                    json.WriteNull("dropped");
                }

                json.WriteEndObject();
            },
            cancellationToken).ConfigureAwait(false);
    }
}
