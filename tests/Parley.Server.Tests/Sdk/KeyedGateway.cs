using System.Globalization;
using System.Text.RegularExpressions;
using Parley.TestServer;

namespace Parley.Server.Tests.Sdk;

/// <summary>
/// The gateway as <c>parley serve</c> runs it for an SDK: the real virtual-key gate over a temp SQLite store (keys
/// created through <see cref="IApiKeyStore"/>), in front of a <see cref="LoopbackServer"/>.
/// </summary>
internal sealed class KeyedGateway : IAsyncDisposable
{
    private KeyedGateway(LoopbackServer upstream, GatewayHost gateway)
    {
        Upstream = upstream;
        Gateway = gateway;
    }

    public LoopbackServer Upstream { get; }

    public GatewayHost Gateway { get; }

    /// <summary>The base URL an OpenAI SDK is given (…/v1).</summary>
    public Uri BaseUrl => new(Gateway.BaseAddress, "v1");

    public static async Task<KeyedGateway> StartAsync()
    {
        var upstream = await LoopbackServer.StartAsync();
        var gateway = await GatewayHost.StartAsync(upstream, options => options.AllowAnonymous = false);
        return new KeyedGateway(upstream, gateway);
    }

    /// <summary>Creates a virtual key in the gateway's store and returns its secret.</summary>
    public async Task<string> CreateKeyAsync(string name, ApiKeyLimits? limits = null)
    {
        var keys = Assert.IsAssignableFrom<IApiKeyStore>(Gateway.Store);
        string secret = "pk-" + Guid.NewGuid().ToString("N");
        Assert.NotNull(await keys.CreateKeyAsync(name, secret, limits ?? ApiKeyLimits.None));
        return secret;
    }

    /// <summary>How many chat requests the gateway received for <paramref name="model"/> with the key <paramref name="key"/> (its /metrics).</summary>
    public async Task<int> RequestsSeenAsync(string model, string key)
    {
        string text = await Gateway.Client.GetStringAsync("/metrics");
        var match = Regex.Match(text, $"parley_gateway_requests_total\\{{model=\"{Regex.Escape(model)}\",key=\"{Regex.Escape(key)}\"\\}} (\\d+)\n");
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>How many chat requests the gateway forwarded to the upstream.</summary>
    public int ChatRequestsForwarded => Upstream.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
