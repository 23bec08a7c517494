using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley.Server;

/// <summary>
/// <c>POST /v1/chat/completions</c>: authenticate, read and parse the body once, route the model, count the prompt
/// and refuse what cannot fit, admit through the gate, forward the client's bytes (with Parley's retries), pass the
/// answer back (JSON with <c>usage.cost_usd</c>, or SSE as it comes), settle the gate's ticket, record metrics, and
/// queue the exchange for the history database.
/// </summary>
internal sealed class ChatCompletionsEndpoint
{
    private readonly GatewaySources _sources;
    private readonly UpstreamRegistry _upstreams;
    private readonly IRequestGate _gate;
    private readonly GatewayMetrics _metrics;
    private readonly ExchangeRecorder _recorder;
    private readonly InFlightExchanges _inFlight;
    private readonly ParleyGatewayOptions _options;
    private readonly UpstreamSender _sender;
    private readonly ILogger _logger;
    private readonly ConversationLocks _conversationLocks = new();
    private readonly ConversationCache _conversations;
    private readonly ContextFitter _fitter;

    /// <summary>The locks of named conversations: the web API's edits (truncate, delete) take them too.</summary>
    public ConversationLocks ConversationLocks => _conversationLocks;

    /// <summary>The named conversations kept between turns: the web API's edits (truncate, delete) drop theirs.</summary>
    public ConversationCache Conversations => _conversations;

    public ChatCompletionsEndpoint(
        GatewaySources sources, UpstreamRegistry upstreams, IRequestGate gate, GatewayMetrics metrics, ExchangeRecorder recorder, InFlightExchanges inFlight, ParleyGatewayOptions options,
        ContextFitter fitter, ILogger<ChatCompletionsEndpoint>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _sources = sources;
        _upstreams = upstreams;
        _gate = gate;
        _metrics = metrics;
        _recorder = recorder;
        _inFlight = inFlight;
        _options = options;
        _sender = new UpstreamSender(sources);
        _fitter = fitter;
        _conversations = new ConversationCache(options.CachedConversations, options.CachedMessages);
    }

    public async Task HandleAsync(HttpContext context)
    {
        _inFlight.Enter();
        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ParleyStorageException or TimeoutException)
        {
            // The database is down or its pool is exhausted: fail fast with 503; the next request tries it again.
            GatewayLog.StorageUnavailable(_logger, _sources.Secrets.Redact(e.Message));
            if (!context.Response.HasStarted)
            {
                await ErrorResponse.WriteAsync(context, GatewayErrors.StorageUnavailable()).ConfigureAwait(false);
            }
            else
            {
                context.Abort();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One line, masked, never a stack trace: neither the client nor the log gets one.
            GatewayLog.Unexpected(_logger, e.GetType().Name, _sources.Secrets.Redact(e.Message));
            if (!context.Response.HasStarted)
            {
                await ErrorResponse.WriteAsync(context, GatewayErrors.Internal()).ConfigureAwait(false);
            }
            else
            {
                context.Abort();
            }
        }
        finally
        {
            _inFlight.Exit();
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        var bearer = BearerToken.Read(context.Request);
        var key = await _gate.AuthenticateAsync(bearer, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            await RefuseAsync(context, await _gate.UnauthenticatedErrorAsync(bearer, cancellationToken).ConfigureAwait(false), string.Empty, "", startedAt).ConfigureAwait(false);
            return;
        }

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
            await RefuseAsync(context, GatewayErrors.BodyTooLarge(_options.MaxRequestBodyBytes), string.Empty, key.Name, startedAt).ConfigureAwait(false);
            return;
        }

        using var request = ChatRequest.TryParse(body, out var invalid);
        if (request is null)
        {
            await RefuseAsync(context, invalid!, string.Empty, key.Name, startedAt).ConfigureAwait(false);
            return;
        }

        var route = await _upstreams.RouteAsync(request.Model, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            await RefuseAsync(context, GatewayErrors.ModelNotFound(request.Model), string.Empty, key.Name, startedAt).ConfigureAwait(false);
            return;
        }

        var exchange = new ChatExchange(request, route, key);
        if (Check(route) is { } unusable)
        {
            await RefuseAsync(context, unusable, request.Model, key.Name, startedAt).ConfigureAwait(false);
            return;
        }

        // Context steps (X-Parley-Conversation, X-Parley-Context): they may replace the messages before the count, the
        // window check and the gate see the request. A named conversation is locked until its exchange is saved.
        var clientId = ConversationId.Read(context.Request.Headers[ConversationId.Header] is { Count: > 0 } idHeader ? idHeader.ToString() : null, request, out var inMetadata, out var badId);
        if (badId is not null)
        {
            await RefuseAsync(context, badId, request.Model, key.Name, startedAt).ConfigureAwait(false);
            return;
        }

        if (inMetadata)
        {
            exchange.ClientBody = ConversationId.RemoveFromBody(request.Body);
        }

        using var conversationLock = clientId is null ? null : await _conversationLocks.AcquireAsync(ConversationLocks.NameOf(key, clientId), cancellationToken).ConfigureAwait(false);
        if (clientId is not null)
        {
            exchange.Use(await GatewayConversation.LoadAsync(_sources.Log, _conversations, clientId, KeyName(key), exchange, cancellationToken).ConfigureAwait(false));
        }

        exchange.PromptTokens = exchange.CountPrompt(_sources.Counter);
        if (await _fitter.FitAsync(context, exchange, cancellationToken).ConfigureAwait(false) is { } badContext)
        {
            await RefuseAsync(context, badContext, request.Model, key.Name, startedAt).ConfigureAwait(false);
            return;
        }

        var maxOutput = request.MaxTokens ?? route.Model.MaxOutputTokens ?? 0;
        if (route.Model.ContextWindow is { } window && exchange.PromptTokens.Value + (request.MaxTokens ?? 0) > window)
        {
            await RefuseAsync(context, GatewayErrors.ContextLengthExceeded(window, exchange.PromptTokens.Value, request.MaxTokens ?? 0), request.Model, key.Name, startedAt).ConfigureAwait(false);
            return;
        }

        var worstCase = route.Model?.CostOf(new UsageDetails { InputTokenCount = exchange.PromptTokens.Value, OutputTokenCount = maxOutput });
        var decision = await _gate.AdmitAsync(key, new GateRequest(request.Model, exchange.PromptTokens.Value, maxOutput, worstCase), cancellationToken).ConfigureAwait(false);
        if (decision.Ticket is not { } ticket)
        {
            await RefuseAsync(context, decision.Error!, request.Model, key.Name, startedAt).ConfigureAwait(false);
            return;
        }

        await using (ticket.ConfigureAwait(false))
        {
            var result = await ForwardAsync(context, exchange, startedAt).ConfigureAwait(false);
            // A stream cut before its usage chunk was still charged upstream: settle the prompt as counted and the
            // partial answer as counted, so a budget never forgets it. Nothing came back: the reservation is released.
            if (result.Usage is { } usage)
            {
                await ticket.SettleAsync(usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0, result.CostUsd, CancellationToken.None).ConfigureAwait(false);
            }
            else if (result.Text.Length > 0)
            {
                var estimate = new UsageDetails { InputTokenCount = exchange.PromptTokens.Value, OutputTokenCount = _sources.Counter.CountText(result.Text, route.Model).Value };
                await ticket.SettleAsync(estimate.InputTokenCount.Value, estimate.OutputTokenCount.Value, route.Model?.CostOf(estimate), CancellationToken.None).ConfigureAwait(false);
            }

            var latency = Stopwatch.GetElapsedTime(startedAt);
            _metrics.Record(request.Model, key.Name, result.Status != TurnStatus.Complete, result.Usage?.InputTokenCount, result.Usage?.OutputTokenCount, result.CostUsd, latency, result.TimeToFirstToken);
            var outcome = new TurnOutcome
            {
                Status = result.Status,
                Model = result.ResponseModel ?? route.UpstreamModel,
                FinishReason = result.FinishReason is { } finish ? new ChatFinishReason(finish) : null,
                Usage = result.Usage,
                CostUsd = result.CostUsd,
                Latency = latency,
                TimeToFirstToken = result.TimeToFirstToken,
                Error = result.Error,
                MessagesDropped = exchange.Dropped,
                MessagesSummarized = exchange.Summarized,
            };
            if (exchange.Conversation is { } named)
            {
                if (!await _recorder.AppendAsync(named, result.Answer(), outcome).ConfigureAwait(false))
                {
                    _conversations.Remove(ConversationCache.KeyOf(KeyName(key), clientId!));
                }

                if (result.HeldAnswer is { } held)
                {
                    // The answer (or a stream's closing events) held until the turn is saved: see RelayCompletionAsync, SseRelay.
                    try
                    {
                        await context.Response.Body.WriteAsync(held, context.RequestAborted).ConfigureAwait(false);
                        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
                    {
                        // The client left after the answer and before its end: the turn is saved; nothing to tell anyone.
                    }
                }
            }
            else
            {
                await _recorder.SaveAsync(new SavedExchange(route.Provider.Name, route.UpstreamModel, request.Messages, result.Answer(), outcome, KeyName(key), exchange.Summary?.Calls)).ConfigureAwait(false);
            }
        }
    }

    private static string? KeyName(GateKey key) => key.ConversationOwner;

    private static GatewayError? Check(UpstreamRoute route) => route.Provider switch
    {
        { Kind: ProviderKind.AzureOpenAI } => GatewayErrors.UnsupportedUpstream(route.Provider.Name),
        { Kind: ProviderKind.OpenAI, ApiKey: null } => GatewayErrors.MissingUpstreamKey(route.Provider.Name),
        { ApiKey: null, ApiKeyVariable: not null } => GatewayErrors.MissingUpstreamKey(route.Provider.Name),
        _ => null,
    };

    private async Task<ExchangeResult> ForwardAsync(HttpContext context, ChatExchange exchange, long startedAt)
    {
        var cancellationToken = context.RequestAborted;
        var request = exchange.Request;
        var route = exchange.Route;
        var result = new ExchangeResult();
        var body = UpstreamBody.Build(request, route.UpstreamModel, exchange.MessagesReplaced ? exchange.Messages : null, exchange.ClientBody, exchange.Conversation?.Json);
        var resilience = _options.Resilience;
        using var deadline = new UpstreamDeadline(
            request.Stream
                ? resilience?.IdleTimeout ?? ResilienceOptions.DefaultIdleTimeout
                : resilience?.RequestTimeout ?? ResilienceOptions.DefaultRequestTimeout,
            cancellationToken);
        try
        {
            var (response, error) = await _sender.SendAsync(route, body, deadline.Token).ConfigureAwait(false);
            if (response is null)
            {
                result.Status = TurnStatus.Failed;
                result.Error = error!.Message;
                await ErrorResponse.WriteAsync(context, error).ConfigureAwait(false);
                return result;
            }

            using (response)
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
                if (request.Stream)
                {
                    context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Response.ContentType = "text/event-stream";
                    context.Response.Headers.CacheControl = "no-cache";
                    await SseRelay.RelayAsync(upstream, context.Response, request.IncludeUsage, route.Model, result, startedAt, deadline, exchange.Conversation is not null, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await RelayCompletionAsync(context, upstream, route, result, exchange.Conversation is not null, deadline.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result.Status = TurnStatus.Interrupted;
            result.Error = ClientGone;
        }
        catch (OperationCanceledException) when (deadline.Token.IsCancellationRequested)
        {
            result.Status = TurnStatus.Failed;
            result.Error = $"provider '{route.Provider.Name}' sent nothing for {deadline.Limit.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s";
            await FailAsync(context, GatewayErrors.UpstreamTimeout(route.Provider.Name)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or InvalidDataException)
        {
            var clientGone = cancellationToken.IsCancellationRequested;
            result.Status = clientGone ? TurnStatus.Interrupted : TurnStatus.Failed;
            result.Error = clientGone ? ClientGone : $"the answer from provider '{route.Provider.Name}' broke off";
            await FailAsync(context, GatewayErrors.UpstreamUnreachable(route.Provider.Name)).ConfigureAwait(false);
        }

        return result;
    }

    private const string ClientGone = "the client disconnected before the answer was complete";

    /// <summary>An error response, or — once part of the answer is sent — a cut connection, so the client never takes a partial answer for a whole one.</summary>
    private static Task FailAsync(HttpContext context, GatewayError error)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        return ErrorResponse.WriteAsync(context, error);
    }

    private static async Task RelayCompletionAsync(HttpContext context, Stream upstream, UpstreamRoute route, ExchangeResult result, bool holdAnswer, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await CopyBoundedAsync(upstream, buffer, cancellationToken).ConfigureAwait(false);
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        byte[] answer;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("not an object");
            }

            result.Read(document.RootElement, chunk: false);
            result.Usage = UsageJson.Read(document.RootElement);
            result.CostUsd = result.Usage is { } usage ? route.Model?.CostOf(usage) : null;
            answer = UsageJson.WithCost(json.Span, result.CostUsd);
        }
        catch (JsonException)
        {
            result.Status = TurnStatus.Failed;
            result.Error = $"provider '{route.Provider.Name}' sent an invalid completion";
            await ErrorResponse.WriteAsync(context, GatewayErrors.InvalidUpstreamResponse(route.Provider.Name)).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Length;
        if (holdAnswer)
        {
            // A named conversation: the client may send its next turn to another replica as soon as it has this
            // answer, so the answer goes out only after the turn is saved.
            result.HeldAnswer = answer;
            return;
        }

        await context.Response.Body.WriteAsync(answer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The largest non-streaming answer accepted from upstream.</summary>
    private const int MaxCompletionBytes = 32 * 1024 * 1024;

    private static async Task CopyBoundedAsync(Stream source, MemoryStream destination, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (destination.Length + n > MaxCompletionBytes)
                {
                    throw new InvalidDataException("the upstream's answer is larger than the gateway accepts.");
                }

                destination.Write(buffer, 0, n);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task RefuseAsync(HttpContext context, GatewayError error, string model, string key, long startedAt)
    {
        _metrics.Record(model, key, failed: true, null, null, null, Stopwatch.GetElapsedTime(startedAt), null);
        await ErrorResponse.WriteAsync(context, error).ConfigureAwait(false);
    }
}
