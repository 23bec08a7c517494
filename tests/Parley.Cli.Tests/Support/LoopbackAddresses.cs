using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Addresses for pointing parley at a loopback server's Ollama emulation, or at nothing.</summary>
public static class LoopbackAddresses
{
    /// <summary>The value for <c>OLLAMA_HOST</c>: <c>http://127.0.0.1:PORT</c>.</summary>
    public static string OllamaHost(LoopbackServer server) => server.BaseAddress.ToString().TrimEnd('/');

    /// <summary>A loopback address where nothing listens.</summary>
    public static string Closed()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
