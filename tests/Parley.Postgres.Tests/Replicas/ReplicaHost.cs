using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Hosting;
using Parley.Server;
using Parley.TestServer;

namespace Parley.Postgres.Tests;

/// <summary>
/// One <c>parley serve</c> replica in-process on a free loopback port, in front of a <see cref="LoopbackServer"/>,
/// with its own <see cref="PostgresConversationStore"/> (its own connection pool) on a shared database, virtual keys
/// required, built as a host application builds it (<c>AddParleyGateway</c>, <c>MapParleyGateway</c>).
/// </summary>
internal sealed class ReplicaHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ReplicaHost(WebApplication app, PostgresConversationStore store, Uri baseAddress)
    {
        _app = app;
        Store = store;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public PostgresConversationStore Store { get; }

    public static async Task<ReplicaHost> StartAsync(LoopbackServer upstream, string databaseUrl)
    {
        var variables = new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = upstream.OpenAIBaseUrl.ToString(),
            ["OPENAI_API_KEY"] = "sk-upstream-secret-0123456789",
            ["OLLAMA_HOST"] = "127.0.0.1:9", // nothing listens: the Ollama providers list no models
        };
        var environment = new EnvironmentSource(name => variables.GetValueOrDefault(name));
        string configPath = Path.Combine(Path.GetTempPath(), "parley-replica-config.json");
        var config = ConfigFile.Parse("{}", configPath);
        var resolver = new ProviderResolver(environment, config, configPath);
        var store = await PostgresConversationStore.OpenAsync(databaseUrl);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddParleyGateway(options =>
        {
            options.Providers = resolver;
            options.Catalog = ModelCatalog.BuiltIn;
            options.ConversationLog = store;
            options.Resilience = new ResilienceOptions { MaxRetries = 0 };
        });
        var app = builder.Build();
        app.MapParleyGateway();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ReplicaHost(app, store, new Uri(address));
    }

    /// <summary>Sends a small chat request with <paramref name="secret"/> as its key.</summary>
    public async Task<HttpResponseMessage> ChatAsync(string secret, int maxTokens = 100, CancellationToken cancellationToken = default, string question = "hello", string? conversation = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(
                new JsonObject
                {
                    ["model"] = "gpt-4o-mini",
                    ["max_tokens"] = maxTokens,
                    ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }),
                }.ToJsonString(),
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        if (conversation is not null)
        {
            request.Headers.Add("X-Parley-Conversation", conversation);
        }

        return await Client.SendAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
    }
}
