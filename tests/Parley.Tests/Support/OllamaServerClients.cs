using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>Builds Parley's native Ollama clients that talk to a <see cref="LoopbackServer"/>'s Ollama emulation.</summary>
public static class OllamaServerClients
{
    public static ResolvedProvider Provider(LoopbackServer server, string model = "llama3.2") => new()
    {
        Name = "ollama",
        Kind = ProviderKind.Ollama,
        BaseUrl = server.BaseAddress,
        Model = model,
    };

    public static IChatClient Create(LoopbackServer server, string model = "llama3.2", ChatClientFactoryOptions? options = null) =>
        ChatClientFactory.Create(Provider(server, model), options);

    /// <summary>A loopback address nothing listens on.</summary>
    public static Uri ClosedAddress()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
