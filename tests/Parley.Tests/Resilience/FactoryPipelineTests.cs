using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.AI;
using static Parley.Tests.Resilience.ResilienceTestKit;

namespace Parley.Tests.Resilience;

/// <summary>The middleware over the real provider client of <see cref="ChatClientFactory"/> (SDK + error translation).</summary>
public class FactoryPipelineTests
{
    private static ResolvedProvider Provider(string baseUrl) => new()
    {
        Name = "test",
        Kind = ProviderKind.OpenAICompatible,
        BaseUrl = new Uri(baseUrl),
        Model = "test-model",
    };

    [Fact]
    public async Task ConnectTimeout_FromTheTransport_IsTransient()
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
            ConnectCallback = async (_, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                throw new InvalidOperationException("unreachable");
            },
        };
        using var client = ChatClientFactory.Create(Provider("http://127.0.0.1:9/v1"), new ChatClientFactoryOptions { Handler = handler });

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => client.GetResponseAsync(Conversation()));

        Assert.Equal(ApiFailureKind.Timeout, e.Kind);
        Assert.True(RetryingChatClient.IsTransient(e));
    }

    [Fact]
    public async Task ConnectionRefused_FromTheTransport_IsTransient()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = ChatClientFactory.Create(Provider($"http://127.0.0.1:{port}/v1"));

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => client.GetResponseAsync(Conversation()));

        Assert.Equal(ApiFailureKind.ConnectionRefused, e.Kind);
        Assert.True(RetryingChatClient.IsTransient(e));
    }

    [Fact]
    public async Task StalledServerStream_UnderUseResilience_TimesOutWithPartialTextAndNoRetry()
    {
        var time = new ManualTimeProvider();
        var handler = new StallingHandler();
        using var provider = ChatClientFactory.Create(Provider("http://127.0.0.1:9/v1"), new ChatClientFactoryOptions { Handler = handler });
        using var pipeline = provider.AsBuilder().UseResilience(new ResilienceOptions { TimeProvider = time }).Build();
        var received = new StringBuilder();

        var run = Task.Run(async () =>
        {
            await foreach (var update in pipeline.GetStreamingResponseAsync(Conversation()))
            {
                received.Append(update.Text);
            }
        });
        await handler.Stalled.Task.WaitAsync(TimeSpan.FromSeconds(20));
        time.Advance(ResilienceOptions.DefaultIdleTimeout);

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => run.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(ApiFailureKind.Timeout, e.Kind);
        Assert.Equal("no data from the server for 60 s", e.Message);
        Assert.Equal("Hel", e.PartialText);
        Assert.Equal("Hel", received.ToString());
        Assert.Equal(1, handler.Requests);
    }

    /// <summary>Answers with an event stream that sends one chunk, then nothing (until cancelled).</summary>
    private sealed class StallingHandler : HttpMessageHandler
    {
        private int _requests;

        public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            const string chunk = """data: {"id":"c1","object":"chat.completion.chunk","created":0,"model":"test-model","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}""";
            var content = new StreamContent(new StallingStream(Encoding.UTF8.GetBytes(chunk + "\n\n"), Stalled));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }

    private sealed class StallingStream(byte[] first, TaskCompletionSource stalled) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < first.Length)
            {
                var n = Math.Min(buffer.Length, first.Length - _position);
                first.AsMemory(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            stalled.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("sync read");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
