using Parley.TestServer;

namespace Parley.Tests.TestServer;

/// <summary>A fresh server and HttpClient for every test.</summary>
public abstract class LoopbackServerTestBase : IAsyncLifetime
{
    protected LoopbackServer Server { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected virtual LoopbackServerOptions? Options => null;

    public async Task InitializeAsync()
    {
        Server = await LoopbackServer.StartAsync(Options);
        Client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
