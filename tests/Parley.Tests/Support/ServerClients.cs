using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>Builds Parley clients that talk to a <see cref="LoopbackServer"/>.</summary>
public static class ServerClients
{
    public const string TestKey = "sk-test-0123456789abcdefghij";

    public static ResolvedProvider OpenAI(LoopbackServer server, string model = "gpt-4o-mini", string? key = TestKey) => new()
    {
        Name = "openai",
        Kind = ProviderKind.OpenAI,
        BaseUrl = server.OpenAIBaseUrl,
        ApiKey = key,
        ApiKeyVariable = "OPENAI_API_KEY",
        Model = model,
    };

    public static IChatClient Create(LoopbackServer server, string model = "gpt-4o-mini") =>
        ChatClientFactory.Create(OpenAI(server, model));
}
