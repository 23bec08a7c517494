using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Parley.TestServer;

/// <summary>
/// An OpenAI-compatible (and Ollama-compatible) HTTP server on 127.0.0.1 for tests and benchmarks.
/// Chat requests are answered from a FIFO queue of <see cref="ScriptedResponse"/>s, or with
/// <c>"Echo: &lt;last user message&gt;"</c> when the queue is empty. Every request is recorded before it is answered.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private static readonly byte[] SseSeparator = "\n\n"u8.ToArray();
    private static readonly byte[] LineSeparator = "\n"u8.ToArray();

    private readonly WebApplication _app;
    private readonly LoopbackServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<ScriptedResponse> _queue = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _requestsLock = new();
    private readonly CancellationTokenSource _shutdown = new();
    private int _contextWindow;
    private long _responseCounter;
    private int _disposed;

    private LoopbackServer(WebApplication app, LoopbackServerOptions options, ILogger logger)
    {
        _app = app;
        _logger = logger;
        _options = options;
        ContextWindow = options.ContextWindow;
        BaseAddress = new Uri("http://127.0.0.1/");
    }

    /// <summary>Root address with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; }

    /// <summary><c>{root}v1</c> without a trailing slash: the value for <c>OPENAI_BASE_URL</c>.</summary>
    public Uri OpenAIBaseUrl => new(BaseAddress, "v1");

    /// <summary>A snapshot of the requests received so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requestsLock)
                return _requests.ToArray();
        }
    }

    /// <summary>Number of scripted responses not yet consumed.</summary>
    public int QueuedCount => _queue.Count;

    /// <summary>
    /// Context window enforced on <c>/v1/chat/completions</c> (words + 3 per message + 3); null disables it.
    /// A request over it gets 400 <c>context_length_exceeded</c> and does not consume a scripted response.
    /// </summary>
    public int? ContextWindow
    {
        get
        {
            var value = Volatile.Read(ref _contextWindow);
            return value < 0 ? null : value;
        }
        set
        {
            if (value is < 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, "A context window cannot be negative.");
            Volatile.Write(ref _contextWindow, value ?? -1);
        }
    }

    /// <summary>Starts a server on 127.0.0.1 (a free port unless <see cref="LoopbackServerOptions.Port"/> is set).</summary>
    public static async Task<LoopbackServer> StartAsync(LoopbackServerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LoopbackServerOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options.Port));

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LoopbackServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Scripted drops end a started response with an exception (see ConnectionDropException): Kestrel would log each
        // one as an application error. The server's own failures are logged under "Parley.TestServer".
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.None);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<IHostLifetime, QuietHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        var app = builder.Build();
        var server = new LoopbackServer(app, options, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Parley.TestServer"));
        app.Run(server.HandleAsync);
        await app.StartAsync(ct).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Queues a response for the next chat request (<c>/v1/chat/completions</c> or <c>/api/chat</c>).</summary>
    public void Enqueue(ScriptedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _queue.Enqueue(response);
    }

    /// <summary>Drops every scripted response not yet consumed.</summary>
    public void ClearQueue() => _queue.Clear();

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests()
    {
        lock (_requestsLock)
            _requests.Clear();
    }

    /// <summary>Stops the server: stalled and held responses are aborted, open connections closed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _shutdown.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutting down anyway.
            }
        }
        await _app.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/_loopback", StringComparison.Ordinal))
        {
            await ControlAsync(context).ConfigureAwait(false);
            return;
        }

        var request = await RecordAsync(context).ConfigureAwait(false);
        context.Response.Headers["x-request-id"] = "req_" + Interlocked.Increment(ref _responseCounter).ToString("x24", CultureInfo.InvariantCulture);

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown.Token);
        try
        {
            await RouteAsync(context, request, cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            context.Abort();
        }
        catch (IOException)
        {
            context.Abort();
        }
        catch (Exception e) when (e is not ConnectionDropException)
        {
            _logger.LogError(e, "{Method} {Path} failed", request.Method, request.Path);
            throw;
        }
    }

    /// <summary>The <see cref="ControlApi"/>: scripting a server that runs in another process. Not recorded.</summary>
    private async Task ControlAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var path = (context.Request.Path.Value ?? "").TrimEnd('/');
        var method = context.Request.Method;
        try
        {
            switch (path)
            {
                case "/_loopback/enqueue" when HttpMethods.IsPost(method):
                    using (var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct).ConfigureAwait(false))
                    {
                        var responses = ControlApi.ParseEnqueue(doc.RootElement);
                        foreach (var response in responses)
                            Enqueue(response);
                        await WriteJsonAsync(context, 200, JsonBytes.Build(w =>
                        {
                            w.WriteStartObject();
                            w.WriteNumber("queued", responses.Count);
                            w.WriteNumber("pending", QueuedCount);
                            w.WriteEndObject();
                        }), ct).ConfigureAwait(false);
                    }
                    return;
                case "/_loopback/queue" when HttpMethods.IsDelete(method):
                    ClearQueue();
                    context.Response.StatusCode = 204;
                    return;
                case "/_loopback/requests" when HttpMethods.IsGet(method):
                    await WriteJsonAsync(context, 200, ControlApi.RequestsJson(Requests), ct).ConfigureAwait(false);
                    return;
                case "/_loopback/requests" when HttpMethods.IsDelete(method):
                    ClearRequests();
                    context.Response.StatusCode = 204;
                    return;
                case "/_loopback/context-window" when HttpMethods.IsPut(method):
                    using (var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct).ConfigureAwait(false))
                    {
                        ContextWindow = doc.RootElement.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
                    }
                    context.Response.StatusCode = 204;
                    return;
                default:
                    await WriteJsonAsync(context, 404, OllamaWire.ErrorBody($"no control endpoint {method} {path}"), ct).ConfigureAwait(false);
                    return;
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            await WriteJsonAsync(context, 400, OllamaWire.ErrorBody(e.Message), ct).ConfigureAwait(false);
        }
    }

    private async Task<RecordedRequest> RecordAsync(HttpContext context)
    {
        var http = context.Request;
        string body;
        using (var reader = new StreamReader(http.Body, Encoding.UTF8))
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in http.Headers)
            headers[name] = values.ToString();

        var recorded = new RecordedRequest(http.Method, http.Path.Value + http.QueryString.Value, headers, body, DateTimeOffset.UtcNow);
        lock (_requestsLock)
        {
            _requests.Add(recorded);
            if (_options.KeepRequests is { } keep && _requests.Count > keep)
                _requests.RemoveRange(0, _requests.Count - keep);
        }

        return recorded;
    }

    private Task RouteAsync(HttpContext context, RecordedRequest request, CancellationToken ct)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var method = context.Request.Method;
        var isGet = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        var isPost = HttpMethods.IsPost(method);

        return path switch
        {
            "/v1/chat/completions" or "/chat/completions" when isPost => ChatCompletionsAsync(context, request, ct),
            "/v1/models" or "/models" when isGet => Authorized(context, ct, () => ModelsAsync(context, ct)),
            _ when isGet && (path.StartsWith("/v1/models/", StringComparison.Ordinal) || path.StartsWith("/models/", StringComparison.Ordinal))
                => Authorized(context, ct, () => ModelAsync(context, Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]), ct)),
            "/api/chat" when isPost => OllamaChatAsync(context, request, ct),
            "/api/tags" when isGet => WriteJsonAsync(context, 200, OllamaTags(), ct),
            "/api/show" when isPost => OllamaShowAsync(context, request, ct),
            "/api/version" when isGet => WriteJsonAsync(context, 200, JsonBytes.Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("version", _options.OllamaVersion);
                w.WriteEndObject();
            }), ct),
            "" when isGet => WriteBodyAsync(context, 200, "text/plain; charset=utf-8", "Ollama is running"u8.ToArray(), null, ct),
            _ when path.StartsWith("/api/", StringComparison.Ordinal)
                => WriteBodyAsync(context, 404, "text/plain", "404 page not found"u8.ToArray(), null, ct),
            _ => WriteOpenAIErrorAsync(context, 404, $"Invalid URL ({method} {context.Request.Path.Value})", "invalid_request_error", null, null, ct),
        };
    }

    // ---- OpenAI ----

    private Task ChatCompletionsAsync(HttpContext context, RecordedRequest request, CancellationToken ct) =>
        Authorized(context, ct, () =>
        {
            if (request.Json is not { ValueKind: JsonValueKind.Object })
            {
                return WriteOpenAIErrorAsync(context, 400,
                    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
                    "invalid_request_error", null, null, ct);
            }

            var size = Words.PromptSize(request.Messages);
            if (ContextWindow is int window && size > window)
            {
                return WriteOpenAIErrorAsync(context, 400, ScriptedResponse.ContextLengthMessage(window, size),
                    "invalid_request_error", "messages", "context_length_exceeded", ct);
            }

            return ServeChatAsync(context, request, NextResponse(request), ollama: false, ct);
        });

    private Task Authorized(HttpContext context, CancellationToken ct, Func<Task> next)
    {
        if (_options.ApiKey is not { } expected)
            return next();

        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return WriteOpenAIErrorAsync(context, 401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (HTTP Basic Auth) with a blank username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
                "invalid_request_error", null, null, ct);
        }

        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : header;
        if (key == expected)
            return next();

        return WriteOpenAIErrorAsync(context, 401,
            $"Incorrect API key provided: {MaskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error", null, "invalid_api_key", ct);
    }

    private static string MaskKey(string key) =>
        key.Length <= 8 ? new string('*', key.Length) : key[..3] + new string('*', key.Length - 7) + key[^4..];

    private Task ModelsAsync(HttpContext context, CancellationToken ct) => WriteJsonAsync(context, 200, JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var id in _options.Models)
            WriteModel(w, id);
        w.WriteEndArray();
        w.WriteEndObject();
    }, indented: true), ct);

    private Task ModelAsync(HttpContext context, string id, CancellationToken ct)
    {
        if (!_options.Models.Contains(id))
        {
            return WriteOpenAIErrorAsync(context, 404, $"The model '{id}' does not exist", "invalid_request_error", "model", "model_not_found", ct);
        }
        return WriteJsonAsync(context, 200, JsonBytes.Build(w => WriteModel(w, id), indented: true), ct);
    }

    private static void WriteModel(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "model");
        w.WriteNumber("created", 1_721_172_741);
        w.WriteString("owned_by", "system");
        w.WriteEndObject();
    }

    private static Task WriteOpenAIErrorAsync(HttpContext context, int status, string message, string? type, string? param, string? code, CancellationToken ct) =>
        WriteJsonAsync(context, status, OpenAIWire.ErrorBody(message, type, param, code), ct);

    // ---- Ollama ----

    private Task OllamaChatAsync(HttpContext context, RecordedRequest request, CancellationToken ct)
    {
        if (request.Json is not { ValueKind: JsonValueKind.Object })
            return WriteJsonAsync(context, 400, OllamaWire.ErrorBody("invalid request body"), ct);
        if (string.IsNullOrEmpty(request.Model))
            return WriteJsonAsync(context, 400, OllamaWire.ErrorBody("model is required"), ct);
        if (FindOllamaModel(request.Model) is null && _options.OllamaModels.Count > 0)
            return WriteJsonAsync(context, 404, OllamaWire.ErrorBody(OllamaNotFound(request.Model)), ct);

        return ServeChatAsync(context, request, NextResponse(request), ollama: true, ct);
    }

    private Task OllamaShowAsync(HttpContext context, RecordedRequest request, CancellationToken ct)
    {
        string? name = null;
        if (request.Json is { ValueKind: JsonValueKind.Object } root)
        {
            if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String)
                name = m.GetString();
            else if (root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                name = n.GetString();
        }
        if (string.IsNullOrEmpty(name))
            return WriteJsonAsync(context, 400, OllamaWire.ErrorBody("model is required"), ct);

        var model = FindOllamaModel(name);
        if (model is null)
        {
            if (_options.OllamaModels.Count > 0)
                return WriteJsonAsync(context, 404, OllamaWire.ErrorBody(OllamaNotFound(name)), ct);
            model = new OllamaModel(name);
        }

        return WriteJsonAsync(context, 200, JsonBytes.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("license", "");
            w.WriteString("modelfile", $"# Modelfile generated by \"ollama show\"\nFROM {model.Name}\nTEMPLATE {{{{ .Prompt }}}}\n");
            w.WriteString("parameters", "");
            w.WriteString("template", "{{ .Prompt }}");
            WriteOllamaDetails(w, model);
            w.WriteStartObject("model_info");
            w.WriteString("general.architecture", model.Family);
            w.WriteString("general.basename", model.Name.Split(':')[0]);
            w.WriteNumber($"{model.Family}.context_length", model.ContextLength);
            w.WriteNumber($"{model.Family}.embedding_length", 2048);
            w.WriteEndObject();
            w.WriteStartArray("capabilities");
            w.WriteStringValue("completion");
            w.WriteEndArray();
            w.WriteString("modified_at", model.ModifiedAt);
            w.WriteEndObject();
        }), ct);
    }

    private byte[] OllamaTags() => JsonBytes.Build(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("models");
        foreach (var model in _options.OllamaModels)
        {
            w.WriteStartObject();
            w.WriteString("name", model.Name);
            w.WriteString("model", model.Name);
            w.WriteString("modified_at", model.ModifiedAt);
            w.WriteNumber("size", model.Size);
            w.WriteString("digest", model.EffectiveDigest);
            WriteOllamaDetails(w, model);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteOllamaDetails(Utf8JsonWriter w, OllamaModel model)
    {
        w.WriteStartObject("details");
        w.WriteString("parent_model", "");
        w.WriteString("format", "gguf");
        w.WriteString("family", model.Family);
        w.WriteStartArray("families");
        w.WriteStringValue(model.Family);
        w.WriteEndArray();
        w.WriteString("parameter_size", model.ParameterSize);
        w.WriteString("quantization_level", model.QuantizationLevel);
        w.WriteEndObject();
    }

    private OllamaModel? FindOllamaModel(string name)
    {
        var normalized = OllamaModel.Normalize(name);
        return _options.OllamaModels.FirstOrDefault(m => string.Equals(m.Name, normalized, StringComparison.OrdinalIgnoreCase));
    }

    private static string OllamaNotFound(string name) => $"model \"{name}\" not found, try pulling it first";

    // ---- Chat replies (both protocols) ----

    private ScriptedResponse DefaultResponse(RecordedRequest request)
    {
        var lastUser = "";
        for (var i = request.Messages.Count - 1; i >= 0; i--)
        {
            if (request.Messages[i].Role == "user")
            {
                lastUser = request.Messages[i].Content;
                break;
            }
        }
        var reply = "Echo: " + lastUser;
        if (_options.TruncateToMaxTokens && request.MaxTokens is int max && Words.Count(reply) > max)
        {
            return ScriptedResponse.Text(string.Concat(Words.Split(reply).Take(Math.Max(max, 1))).TrimEnd(), finishReason: "length");
        }

        return ScriptedResponse.Text(reply);
    }

    private ScriptedResponse NextResponse(RecordedRequest request) =>
        _queue.TryDequeue(out var scripted) ? scripted : DefaultResponse(request);

    private async Task ServeChatAsync(HttpContext context, RecordedRequest request, ScriptedResponse s, bool ollama, CancellationToken ct)
    {
        if (s.Delay > TimeSpan.Zero)
            await Task.Delay(s.Delay, ct).ConfigureAwait(false);
        if (s.Reset)
        {
            context.Abort();
            return;
        }
        foreach (var group in s.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            context.Response.Headers[group.Key] = group.Select(h => h.Value).ToArray();

        var model = s.Model ?? request.Model ?? (ollama ? "llama3.2" : "gpt-4o-mini");
        switch (s.Kind)
        {
            case ResponseKind.Error:
                var message = s.ErrorMessage.Replace(ScriptedResponse.ModelPlaceholder, model, StringComparison.Ordinal);
                var errorBody = ollama ? OllamaWire.ErrorBody(message) : OpenAIWire.ErrorBody(message, s.ErrorType, s.ErrorParam, s.ErrorCode);
                await WriteJsonAsync(context, s.Status, errorBody, ct).ConfigureAwait(false);
                return;

            case ResponseKind.Raw:
                await ServeRawAsync(context, s, ct).ConfigureAwait(false);
                return;
        }

        var pieces = s.Kind == ResponseKind.Many ? null : s.Chunks ?? Words.Split(s.Content);
        var usage = new Usage(
            s.PromptTokens ?? _options.PromptTokenCounter?.Invoke(request.Messages) ?? Words.PromptSize(request.Messages),
            s.CompletionTokens ?? Words.Count(s.Content) + (s.ReasoningTokens ?? 0),
            s.CachedTokens ?? 0,
            s.ReasoningTokens ?? 0,
            HasDetails: s.CachedTokens is not null || s.ReasoningTokens is not null);
        var contentCount = pieces?.Count ?? s.ManyCount;

        if (ollama)
        {
            var wire = new OllamaWire(model);
            if (!request.Stream)
            {
                var body = wire.NonStream(FullContent(s), s.FinishReason, usage, s.Reasoning is { } thinking ? string.Concat(thinking) : null);
                await WriteBodyAsync(context, 200, "application/json; charset=utf-8", body, s, ct).ConfigureAwait(false);
                return;
            }
            var manyLine = pieces is null ? wire.ContentLine(s.Content) : null;
            await StreamAsync(context, "application/x-ndjson", new FramePlan
            {
                Preamble = [.. (s.Reasoning ?? []).Select(wire.ThinkingLine)],
                ContentCount = contentCount,
                ContentFrame = manyLine is null ? i => wire.ContentLine(pieces![i]) : _ => manyLine,
                Tail = [wire.FinalLine(s.FinishReason, usage)],
                MalformedFrame = wire.MalformedLine(),
                ErrorFrame = OllamaWire.ErrorLine(s.StreamErrorMessage),
                FlushEachFrame = pieces is not null,
            }, s, ct).ConfigureAwait(false);
        }
        else
        {
            var id = "chatcmpl-loopback" + Interlocked.Increment(ref _responseCounter).ToString("D12", CultureInfo.InvariantCulture);
            var wire = new OpenAIWire(id, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model, request.IncludeUsage);
            if (s.Calls is { } calls)
            {
                await ServeToolCallsAsync(context, request, wire, calls, usage, s, ct).ConfigureAwait(false);
                return;
            }

            if (!request.Stream)
            {
                var body = wire.Completion(FullContent(s), s.FinishReason, usage, s.IsRefusal, s.Reasoning is { } reasoning ? string.Concat(reasoning) : null);
                await WriteBodyAsync(context, 200, "application/json", body, s, ct).ConfigureAwait(false);
                return;
            }
            var manyFrame = pieces is null ? wire.ContentFrame(s.Content, s.IsRefusal) : null;
            List<byte[]> tail = [wire.FinishFrame(s.FinishReason)];
            if (request.IncludeUsage)
                tail.Add(wire.UsageFrame(usage));
            tail.Add(OpenAIWire.Done);
            await StreamAsync(context, "text/event-stream; charset=utf-8", new FramePlan
            {
                Preamble = [wire.RoleFrame(s.IsRefusal), .. (s.Reasoning ?? []).Select(wire.ReasoningFrame)],
                ContentCount = contentCount,
                ContentFrame = manyFrame is null ? i => wire.ContentFrame(pieces![i], s.IsRefusal) : _ => manyFrame,
                Tail = tail,
                MalformedFrame = wire.MalformedFrame(),
                ErrorFrame = OpenAIWire.ErrorFrame(s.StreamErrorMessage, s.StreamErrorCode),
                FlushEachFrame = pieces is not null,
            }, s, ct).ConfigureAwait(false);
        }
    }

    private static async Task ServeToolCallsAsync(
        HttpContext context, RecordedRequest request, OpenAIWire wire, IReadOnlyList<ToolCall> calls, Usage usage, ScriptedResponse s, CancellationToken ct)
    {
        if (!request.Stream)
        {
            await WriteBodyAsync(context, 200, "application/json", wire.ToolCallCompletion(calls, usage), s, ct).ConfigureAwait(false);
            return;
        }

        List<byte[]> tail = [wire.FinishFrame("tool_calls")];
        if (request.IncludeUsage)
            tail.Add(wire.UsageFrame(usage));
        tail.Add(OpenAIWire.Done);
        await StreamAsync(context, "text/event-stream; charset=utf-8", new FramePlan
        {
            Preamble = [wire.RoleFrame(toolCalls: true)],
            ContentCount = calls.Count,
            ContentFrame = i => wire.ToolCallFrame(i, calls[i]),
            Tail = tail,
            MalformedFrame = wire.MalformedFrame(),
            ErrorFrame = OpenAIWire.ErrorFrame(s.StreamErrorMessage, s.StreamErrorCode),
            FlushEachFrame = true,
        }, s, ct).ConfigureAwait(false);
    }

    private static string FullContent(ScriptedResponse s) =>
        s.Kind == ResponseKind.Many ? string.Concat(Enumerable.Repeat(s.Content, s.ManyCount)) : s.Content;

    private static Task ServeRawAsync(HttpContext context, ScriptedResponse s, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(s.Body);
        var contentType = s.ContentType ?? "application/json";
        byte[]? separator = contentType.Contains("event-stream", StringComparison.OrdinalIgnoreCase) ? SseSeparator
            : contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase) ? LineSeparator
            : null;
        if (separator is null)
            return WriteBodyAsync(context, s.Status, contentType, body, s, ct);

        context.Response.StatusCode = s.Status;
        var plan = FramePlan.Split(body, separator);
        return StreamAsync(context, contentType, new FramePlan
        {
            ContentCount = plan.ContentCount,
            ContentFrame = plan.ContentFrame,
            MalformedFrame = separator == SseSeparator ? "data: {\"choices\":[{\"delta\":\n\n"u8.ToArray() : "{\"message\":{\n"u8.ToArray(),
            ErrorFrame = separator == SseSeparator ? OpenAIWire.ErrorFrame(s.StreamErrorMessage, s.StreamErrorCode) : OllamaWire.ErrorLine(s.StreamErrorMessage),
        }, s, ct);
    }

    private static Task StreamAsync(HttpContext context, string contentType, FramePlan plan, ScriptedResponse s, CancellationToken ct)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        return FrameWriter.WriteAsync(context, plan, s, ct);
    }

    private static Task WriteJsonAsync(HttpContext context, int status, byte[] body, CancellationToken ct) =>
        WriteBodyAsync(context, status, "application/json", body, null, ct);

    /// <summary>Writes a whole body, applying the non-streaming forms of a scripted response's faults.</summary>
    private static async Task WriteBodyAsync(HttpContext context, int status, string contentType, byte[] body, ScriptedResponse? s, CancellationToken ct)
    {
        if (s?.HoldRelease is { } release)
            await release.WaitAsync(ct).ConfigureAwait(false);

        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;

        if (s?.MalformedAfter is not null)
            body = body[..(body.Length / 2)];

        if (s?.StallAfter is not null)
        {
            await response.StartAsync(ct).ConfigureAwait(false);
            await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            return;
        }

        response.ContentLength = body.Length;
        if (s?.DropAfter is not null)
        {
            await response.BodyWriter.WriteAsync(body.AsMemory(0, body.Length / 2), ct).ConfigureAwait(false);
            await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
            throw new ConnectionDropException();
        }

        if (!HttpMethods.IsHead(context.Request.Method))
            await response.BodyWriter.WriteAsync(body, ct).ConfigureAwait(false);
    }
}
