namespace Parley.Tests;

public class ProviderResolverKeyTests
{
    private const string Injected = "sk-abcdef123456\r\nX-Injected: yes";

    [Theory]
    [InlineData("process", "the environment variable OPENAI_API_KEY")]
    [InlineData("dotenv", "OPENAI_API_KEY in .env")]
    [InlineData("flag", "--api-key")]
    [InlineData("config", "the api_key of provider 'openai' in /cfg/config.json")]
    public void Resolve_KeyWithControlCharacters_RefusedNamingTheSourceNotTheKey(string source, string named)
    {
        var process = source == "process" ? new Dictionary<string, string> { ["OPENAI_API_KEY"] = Injected } : [];
        var dotEnv = source == "dotenv" ? new Dictionary<string, string> { ["OPENAI_API_KEY"] = Injected } : [];
        var config = source == "config"
            ? new ParleyConfig { Providers = new Dictionary<string, ProviderSettings> { ["openai"] = new() { ApiKey = Injected } } }
            : new ParleyConfig();
        var resolver = new ProviderResolver(
            new EnvironmentSource(name => process.GetValueOrDefault(name), dotEnv), config, "/cfg/config.json");

        var e = Assert.Throws<ParleyConfigurationException>(
            () => resolver.Resolve(new ConnectionOverrides { ApiKey = source == "flag" ? Injected : null }));

        Assert.Contains(named, e.Message);
        Assert.Contains("control character", e.Message);
        Assert.DoesNotContain("sk-abcdef", e.Message);
    }

    [Fact]
    public void Resolve_EveryConfiguredKeyAndUrlSecret_RegisteredForMasking()
    {
        var config = new ParleyConfig
        {
            Providers = new Dictionary<string, ProviderSettings>
            {
                ["gateway"] = new() { Kind = "openai-compatible", BaseUrl = "http://u:url-password-1@gw.test/v1?api_key=url-query-key-2", ApiKey = "sk-config-literal-3" },
                ["other"] = new() { Kind = "openai-compatible", BaseUrl = "http://other.test/v1", ApiKeyEnv = "OTHER_KEY" },
            },
        };
        var env = new EnvironmentSource(name => name switch { "OPENAI_API_KEY" => "sk-openai-env-4", "OTHER_KEY" => "sk-other-env-5", _ => null });
        var provider = new ProviderResolver(env, config, "/cfg/config.json").Resolve(new ConnectionOverrides());

        var text = provider.Secrets.Redact("url-password-1 url-query-key-2 sk-config-literal-3 sk-openai-env-4 sk-other-env-5");

        Assert.Equal("*** *** *** *** ***", text);
    }
}
