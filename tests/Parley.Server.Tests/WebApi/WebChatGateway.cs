using Microsoft.ML.Tokenizers;
using Parley.TestServer;

namespace Parley.Server.Tests.WebApi;

/// <summary>
/// The gateway as <c>parley serve</c> runs it for the web page: real virtual keys over a temp SQLite store, in front of
/// a <see cref="LoopbackServer"/> that reports <c>prompt_tokens</c> as OpenAI's tokenizer counts the messages it got
/// (o200k_base, 3 tokens per message plus its role and content, 3 to prime the reply) — counted here, apart from Parley.
/// </summary>
internal sealed class WebChatGateway : IAsyncDisposable
{
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    private WebChatGateway(LoopbackServer upstream, GatewayHost gateway)
    {
        Upstream = upstream;
        Gateway = gateway;
    }

    public LoopbackServer Upstream { get; }

    public GatewayHost Gateway { get; }

    public static async Task<WebChatGateway> StartAsync(bool anonymous = false)
    {
        var upstream = await LoopbackServer.StartAsync(new LoopbackServerOptions { PromptTokenCounter = CountLikeOpenAI });
        var gateway = await GatewayHost.StartAsync(upstream, options => options.AllowAnonymous = anonymous);
        return new WebChatGateway(upstream, gateway);
    }

    /// <summary>A client with a new virtual key named <paramref name="name"/>.</summary>
    public async Task<WebApiClient> KeyAsync(string name, ApiKeyLimits? limits = null)
    {
        var keys = Assert.IsAssignableFrom<IApiKeyStore>(Gateway.Store);
        string secret = "pk-" + Guid.NewGuid().ToString("N");
        Assert.NotNull(await keys.CreateKeyAsync(name, secret, limits ?? ApiKeyLimits.None));
        return new WebApiClient(Gateway.Client, secret);
    }

    /// <summary>A client that sends no key (or, with <paramref name="key"/>, that one).</summary>
    public WebApiClient Client(string? key = null) => new(Gateway.Client, key);

    private static int CountLikeOpenAI(IReadOnlyList<(string Role, string Content)> messages) =>
        3 + messages.Sum(m => 3 + O200k.Value.CountTokens(m.Role) + O200k.Value.CountTokens(m.Content));

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
