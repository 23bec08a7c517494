using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

public class SecretRedactorTests
{
    private const string GatewayKey = "vk-gateway-virtual-5e6f7a8b";

    [Fact]
    public void Redact_RegisteredSecretsAndUrlSecrets_Masked()
    {
        var secrets = new SecretRedactor();
        secrets.Add("sk-provider-one-1234");
        secrets.AddUrl(new Uri("http://user:p%40ss-word-99@example.test/v1?api_key=query-secret-77&model=gpt"));

        var text = secrets.Redact("a sk-provider-one-1234 b p@ss-word-99 c p%40ss-word-99 d query-secret-77 e gpt");

        Assert.Equal("a *** b *** c *** d *** e gpt", text);
    }

    [Fact]
    public void Redact_SecretShorterThanMinimum_Ignored()
    {
        var secrets = new SecretRedactor();
        secrets.Add("abc");
        secrets.Add("short12");

        Assert.Equal("abc short12 abcdef", secrets.Redact("abc short12 abcdef"));
        Assert.True(secrets.IsEmpty);
    }

    [Theory]
    [InlineData("http://user:KEY-123456@host.test:8080/v1", "http://user:***@host.test:8080/v1")]
    [InlineData("http://host.test/v1?api_key=abc&model=x", "http://host.test/v1?api_key=***&model=x")]
    [InlineData("https://host.test/v1?token=abc&key=d&sig=e", "https://host.test/v1?token=***&key=***&sig=***")]
    [InlineData("http://127.0.0.1:9/v1", "http://127.0.0.1:9/v1")]
    public void RedactUrl_PasswordAndKeyLikeQueryValues_Masked(string url, string expected)
    {
        Assert.Equal(expected, SecretRedactor.RedactUrl(new Uri(url)));
    }

    [Fact]
    public void Extend_AddingToTheExtension_LeavesTheOriginalUnchanged()
    {
        var original = new SecretRedactor();
        var extended = original.Extend();
        extended.Add("only-in-extension-1");
        original.Add("added-later-to-original");

        Assert.Equal("only-in-extension-1", original.Redact("only-in-extension-1"));
        Assert.Equal("*** ***", extended.Redact("only-in-extension-1 added-later-to-original"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChatClient_ServerEchoesAVirtualKeyRegisteredAfterCreation_MessageMasked(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var message = $"key {GatewayKey} and {ServerClients.TestKey} are not allowed";
        server.Enqueue(streaming ? ScriptedResponse.Text("a b").WithStreamError(message) : ScriptedResponse.Error(401, message));
        var provider = ServerClients.OpenAI(server);
        using var client = ChatClientFactory.Create(provider);
        provider.Secrets.Add(GatewayKey); // a gateway registers its virtual keys as it issues them

        var e = await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync("hi"))
                {
                }
            }
            else
            {
                await client.GetResponseAsync("hi");
            }
        });

        Assert.Equal("key *** and *** are not allowed", e.Message);
    }

    [Fact]
    public async Task ChatClient_HugeErrorBody_MessageBoundedWithByteCount()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(400, new string('y', 1_000_000)));
        using var client = ChatClientFactory.Create(ServerClients.OpenAI(server));

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => client.GetResponseAsync("hi"));

        Assert.Equal(new string('y', 4096) + $"… ({1_000_000 - 4096} bytes more)", e.Message);
    }
}
