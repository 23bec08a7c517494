using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.TestServer;

namespace Parley.Server.Tests;

/// <summary>
/// The gateway in-process on a free loopback port, in front of a <see cref="LoopbackServer"/>, built the way a host
/// application builds it (<c>AddParleyGateway</c>, <c>MapParleyGateway</c>), with its own history database.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    public const string UpstreamKey = "sk-upstream-secret-0123456789";

    private readonly WebApplication _app;
    private readonly string _directory;

    private GatewayHost(WebApplication app, IConversationStore store, string directory, Uri baseAddress)
    {
        _app = app;
        Store = store;
        _directory = directory;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public IConversationStore Store { get; }

    public static async Task<GatewayHost> StartAsync(LoopbackServer upstream, Action<ParleyGatewayOptions>? configure = null, IRequestGate? gate = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "parley-gw-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var variables = new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = upstream.OpenAIBaseUrl.ToString(),
            ["OPENAI_API_KEY"] = UpstreamKey,
            ["OLLAMA_HOST"] = "127.0.0.1:9", // nothing listens: the Ollama providers list no models
        };
        var environment = new EnvironmentSource(name => variables.GetValueOrDefault(name));
        var config = ConfigFile.Parse("""{"providers":{"openai":{"aliases":{"fast":"gpt-4o-mini"}}}}""", Path.Combine(directory, "config.json"));
        var resolver = new ProviderResolver(environment, config, Path.Combine(directory, "config.json"));
        var store = await SqliteConversationStore.OpenAsync(Path.Combine(directory, "history.db"));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddParleyGateway(options =>
        {
            options.Providers = resolver;
            options.Catalog = ModelCatalog.BuiltIn;
            options.ConversationLog = store;
            options.AllowAnonymous = gate is null;
            options.Resilience = new ResilienceOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(10) };
            configure?.Invoke(options);
        });
        if (gate is not null)
        {
            builder.Services.AddSingleton(gate);
        }

        var app = builder.Build();
        app.MapParleyGateway();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(app, store, directory, new Uri(address));
    }

    /// <summary>Waits until the history database holds <paramref name="count"/> conversations (saving happens after the response).</summary>
    public async Task<IReadOnlyList<StoredConversation>> WaitForSavedAsync(int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var list = await Store.ListAsync();
            if (list.Count >= count && list.All(c => c.TurnCount > 0))
            {
                var loaded = new List<StoredConversation>();
                foreach (var item in list)
                {
                    var conversation = await Store.LoadAsync(item.Id);
                    if (conversation.Turns.Any(t => t.Status == TurnStatus.Pending))
                    {
                        loaded.Clear();
                        break;
                    }

                    loaded.Add(conversation);
                }

                if (loaded.Count >= count)
                {
                    return loaded;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the gateway did not save {count} exchange(s)");
    }

    /// <summary>Stops the host the way SIGTERM does: open requests finish and pending saves are written.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
