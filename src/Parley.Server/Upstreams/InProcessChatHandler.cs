using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// An upstream that runs in this process: an <see cref="IChatClient"/> (a GGUF model through llama.cpp) answering the
/// OpenAI Chat Completions wire (<c>POST …/chat/completions</c>, JSON or SSE with a final usage chunk, and
/// <c>GET …/models</c>) behind an <see cref="HttpClient"/>. The gateway forwards to it exactly as to a server, so its
/// counting, context checks, budgets, relay and history apply unchanged. A prompt that cannot fit the model's context
/// answers OpenAI's <c>context_length_exceeded</c> (400).
/// </summary>
internal sealed class InProcessChatHandler : HttpMessageHandler
{
    private readonly IChatClient _client;
    private readonly string _model;

    public InProcessChatHandler(IChatClient client, string model)
    {
        _client = client;
        _model = model;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? string.Empty;
        if (request.Method == HttpMethod.Get && path.EndsWith("/models", StringComparison.Ordinal))
        {
            return Json(HttpStatusCode.OK, w =>
            {
                w.WriteString("object", "list");
                w.WriteStartArray("data");
                w.WriteStartObject();
                w.WriteString("id", _model);
                w.WriteString("object", "model");
                w.WriteString("owned_by", "gguf");
                w.WriteEndObject();
                w.WriteEndArray();
            });
        }

        if (request.Method != HttpMethod.Post || !path.EndsWith("/chat/completions", StringComparison.Ordinal) || request.Content is null)
        {
            return Error(HttpStatusCode.NotFound, "not_found_error", null, $"{request.Method} {path} is not served by an in-process model");
        }

        var body = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ChatMessage> messages;
        ChatOptions options;
        bool stream;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            messages = OpenAIMessageFormat.Parse(root, "the request");
            options = Options(root);
            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", null, e.Message);
        }

        if (!stream)
        {
            try
            {
                var response = await _client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
                return Json(HttpStatusCode.OK, w => WriteCompletion(w, response));
            }
            catch (ContextWindowExceededException e)
            {
                return ContextError(e);
            }
        }

        // The first update decides the status: a prompt that does not fit fails before any token.
        var updates = _client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool any;
        try
        {
            any = await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (ContextWindowExceededException e)
        {
            await updates.DisposeAsync().ConfigureAwait(false);
            return ContextError(e);
        }

        var content = new StreamContent(new SseStream(Chunks(updates, any, cancellationToken)));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }

    private static ChatOptions Options(JsonElement root)
    {
        var options = new ChatOptions();
        foreach (var field in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens"])
        {
            if (root.TryGetProperty(field, out var max) && max.ValueKind == JsonValueKind.Number)
            {
                options.MaxOutputTokens = max.GetInt32();
                break;
            }
        }

        if (root.TryGetProperty("temperature", out var temperature) && temperature.ValueKind == JsonValueKind.Number)
        {
            options.Temperature = temperature.GetSingle();
        }

        if (root.TryGetProperty("top_p", out var topP) && topP.ValueKind == JsonValueKind.Number)
        {
            options.TopP = topP.GetSingle();
        }

        if (root.TryGetProperty("seed", out var seed) && seed.ValueKind == JsonValueKind.Number)
        {
            options.Seed = seed.GetInt64();
        }

        return options;
    }

    private async IAsyncEnumerable<byte[]> Chunks(IAsyncEnumerator<ChatResponseUpdate> updates, bool any, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var _ = updates.ConfigureAwait(false);
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        while (any)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var update = updates.Current;
            finish = update.FinishReason ?? finish;
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            if (update.Text is { Length: > 0 } text)
            {
                yield return Event(w => WriteChunk(w, id, created, text, null));
            }

            any = await updates.MoveNextAsync().ConfigureAwait(false);
        }

        yield return Event(w => WriteChunk(w, id, created, null, finish ?? ChatFinishReason.Stop));
        yield return Event(w =>
        {
            WriteHeader(w, id, created, "chat.completion.chunk");
            w.WriteStartArray("choices");
            w.WriteEndArray();
            WriteUsage(w, usage);
        });
        yield return "data: [DONE]\n\n"u8.ToArray();
    }

    private void WriteChunk(Utf8JsonWriter w, string id, long created, string? text, ChatFinishReason? finish)
    {
        WriteHeader(w, id, created, "chat.completion.chunk");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        if (text is not null)
        {
            w.WriteString("role", "assistant");
            w.WriteString("content", text);
        }

        w.WriteEndObject();
        if (finish is { } reason)
        {
            w.WriteString("finish_reason", reason.Value);
        }
        else
        {
            w.WriteNull("finish_reason");
        }

        w.WriteEndObject();
        w.WriteEndArray();
    }

    private void WriteCompletion(Utf8JsonWriter w, ChatResponse response)
    {
        WriteHeader(w, response.ResponseId ?? "chatcmpl-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "chat.completion");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteString("content", response.Text);
        w.WriteEndObject();
        w.WriteString("finish_reason", (response.FinishReason ?? ChatFinishReason.Stop).Value);
        w.WriteEndObject();
        w.WriteEndArray();
        WriteUsage(w, response.Usage);
    }

    private void WriteHeader(Utf8JsonWriter w, string id, long created, string kind)
    {
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", _model);
    }

    private static void WriteUsage(Utf8JsonWriter w, UsageDetails? usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", usage?.InputTokenCount ?? 0);
        w.WriteNumber("completion_tokens", usage?.OutputTokenCount ?? 0);
        w.WriteNumber("total_tokens", usage?.TotalTokenCount ?? ((usage?.InputTokenCount ?? 0) + (usage?.OutputTokenCount ?? 0)));
        w.WriteEndObject();
    }

    private static byte[] Event(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        buffer.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.ToArray();
    }

    private static HttpResponseMessage Json(HttpStatusCode status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpResponseMessage(status) { Content = content };
    }

    private static HttpResponseMessage ContextError(ContextWindowExceededException e) =>
        Error(HttpStatusCode.BadRequest, "invalid_request_error", "context_length_exceeded",
            string.Create(CultureInfo.InvariantCulture, $"This model's maximum context length is {e.ContextWindow} tokens. However, your messages resulted in {e.PromptTokens} tokens."));

    private static HttpResponseMessage Error(HttpStatusCode status, string type, string? code, string message) => Json(status, w =>
    {
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        if (code is null)
        {
            w.WriteNull("code");
        }
        else
        {
            w.WriteString("code", code);
        }

        w.WriteEndObject();
    });

    /// <summary>A read-only stream over SSE events produced on demand (the response body of a streamed answer).</summary>
    private sealed class SseStream(IAsyncEnumerable<byte[]> events) : Stream
    {
        private IAsyncEnumerator<byte[]>? _events;
        private ReadOnlyMemory<byte> _pending;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _events ??= events.GetAsyncEnumerator(cancellationToken);
            while (_pending.IsEmpty)
            {
                if (!await _events.MoveNextAsync().ConfigureAwait(false))
                {
                    return 0;
                }

                _pending = _events.Current;
            }

            var count = Math.Min(buffer.Length, _pending.Length);
            _pending[..count].CopyTo(buffer);
            _pending = _pending[count..];
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            if (_events is not null)
            {
                await _events.DisposeAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && _events is not null)
            {
                _events.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            base.Dispose(disposing);
        }
    }
}
