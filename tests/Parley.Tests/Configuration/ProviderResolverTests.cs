namespace Parley.Tests;

public class ProviderResolverTests
{
    private static ProviderResolver Resolver(
        IDictionary<string, string>? process = null, IDictionary<string, string>? dotEnv = null, ParleyConfig? config = null)
    {
        var env = new EnvironmentSource(
            name => process is not null && process.TryGetValue(name, out var v) ? v : null,
            dotEnv is null ? null : new Dictionary<string, string>(dotEnv));
        return new ProviderResolver(env, config ?? new ParleyConfig(), "/cfg/config.json");
    }

    [Fact]
    public void Resolve_NoConfigurationWithKey_UsesOpenAIDefaults()
    {
        var p = Resolver(new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-env" }).Resolve(new ConnectionOverrides());

        Assert.Equal("openai", p.Name);
        Assert.Equal(ProviderKind.OpenAI, p.Kind);
        Assert.Equal("https://api.openai.com/v1", p.BaseUrl.ToString().TrimEnd('/'));
        Assert.Equal("gpt-4o-mini", p.Model);
        Assert.Equal("sk-env", p.ApiKey);
    }

    [Fact]
    public void Resolve_NoKeyAnywhere_ThrowsNamingVariableEnvAndConfig()
    {
        var e = Assert.Throws<MissingApiKeyException>(() => Resolver().Resolve(new ConnectionOverrides()));

        Assert.Contains("OPENAI_API_KEY", e.Message);
        Assert.Contains(".env", e.Message);
        Assert.Contains("/cfg/config.json", e.Message);
    }

    [Fact]
    public void Resolve_BaseUrlAloneWithoutKey_StillRequiresKey()
    {
        var resolver = Resolver(new Dictionary<string, string> { ["OPENAI_BASE_URL"] = "http://127.0.0.1:1/v1" });

        Assert.Throws<MissingApiKeyException>(() => resolver.Resolve(new ConnectionOverrides()));
    }

    [Fact]
    public void Resolve_KeyOnlyInDotEnv_IsUsed()
    {
        var p = Resolver(dotEnv: new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-dotenv" }).Resolve(new ConnectionOverrides());

        Assert.Equal("sk-dotenv", p.ApiKey);
    }

    [Fact]
    public void Resolve_KeyInEnvironmentAndDotEnv_EnvironmentWins()
    {
        var p = Resolver(
            new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-process" },
            new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-dotenv" }).Resolve(new ConnectionOverrides());

        Assert.Equal("sk-process", p.ApiKey);
    }

    [Fact]
    public void Resolve_FlagsEnvironmentConfig_FlagWinsThenEnvironmentThenConfig()
    {
        var config = new ParleyConfig { DefaultModel = "gpt-4.1" };
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "k", ["PARLEY_MODEL"] = "gpt-4o" };

        Assert.Equal("o3-mini", Resolver(env, config: config).Resolve(new ConnectionOverrides { Model = "o3-mini" }).Model);
        Assert.Equal("gpt-4o", Resolver(env, config: config).Resolve(new ConnectionOverrides()).Model);
        Assert.Equal("gpt-4.1", Resolver(new Dictionary<string, string> { ["OPENAI_API_KEY"] = "k" }, config: config).Resolve(new ConnectionOverrides()).Model);
        Assert.Equal("sk-flag", Resolver(env, config: config).Resolve(new ConnectionOverrides { ApiKey = "sk-flag" }).ApiKey);
    }

    [Fact]
    public void Resolve_OpenAIBaseUrlEnvironment_OverridesConfigButNotFlag()
    {
        var config = new ParleyConfig { Providers = new() { ["openai"] = new ProviderSettings { BaseUrl = "http://config.example/v1" } } };
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "k", ["OPENAI_BASE_URL"] = "http://env.example/v1" };

        Assert.Equal("env.example", Resolver(env, config: config).Resolve(new ConnectionOverrides()).BaseUrl.Host);
        Assert.Equal("flag.example", Resolver(env, config: config).Resolve(new ConnectionOverrides { BaseUrl = "http://flag.example/v1" }).BaseUrl.Host);
    }

    [Fact]
    public void Resolve_ProviderPrefixInModel_SelectsProvider()
    {
        var p = Resolver().Resolve(new ConnectionOverrides { Model = "ollama:llama3.2:3b" });

        Assert.Equal("ollama", p.Name);
        Assert.Equal(ProviderKind.Ollama, p.Kind);
        Assert.Equal("llama3.2:3b", p.Model);
        Assert.Null(p.ApiKey);
        Assert.Equal("http://localhost:11434", p.BaseUrl.ToString().TrimEnd('/'));
    }

    [Fact]
    public void Resolve_OllamaOpenAIPrefix_SelectsOpenAICompatibleEndpoint()
    {
        var p = Resolver().Resolve(new ConnectionOverrides { Model = "ollama-openai:llama3.2" });

        Assert.Equal("ollama-openai", p.Name);
        Assert.Equal(ProviderKind.OpenAICompatible, p.Kind);
        Assert.Equal("llama3.2", p.Model);
        Assert.Null(p.ApiKey);
        Assert.Equal("http://localhost:11434/v1", p.BaseUrl.ToString().TrimEnd('/'));
    }

    [Theory]
    [InlineData("llama3.2:3b")]
    [InlineData("ft:gpt-4o-mini:my-org::abc123")]
    public void Resolve_ColonInModelWithoutKnownProvider_KeepsWholeModelId(string model)
    {
        var p = Resolver(new Dictionary<string, string> { ["OPENAI_API_KEY"] = "k" }).Resolve(new ConnectionOverrides { Model = model });

        Assert.Equal("openai", p.Name);
        Assert.Equal(model, p.Model);
    }

    [Fact]
    public void Resolve_OllamaHost_SetsBuiltInOllamaAddress()
    {
        var resolver = Resolver(new Dictionary<string, string> { ["OLLAMA_HOST"] = "10.1.2.3:9999" });
        var native = resolver.Resolve(new ConnectionOverrides { Provider = "ollama" });
        var compatible = resolver.Resolve(new ConnectionOverrides { Provider = "ollama-openai" });

        Assert.Equal(ProviderKind.Ollama, native.Kind);
        Assert.Equal("http://10.1.2.3:9999", native.BaseUrl.ToString().TrimEnd('/'));
        Assert.Equal("http://10.1.2.3:9999/v1", compatible.BaseUrl.ToString().TrimEnd('/'));
    }

    [Theory]
    [InlineData(null, null, null, null, false)]
    [InlineData("ollama", null, null, null, true)]
    [InlineData(null, "ollama:llama3.2", null, null, true)]
    [InlineData(null, "llama3.2", null, null, false)]
    [InlineData(null, null, "openai", null, true)]
    [InlineData(null, null, null, "openai", true)]
    public void NamesProvider_FlagPrefixEnvironmentOrConfig_IsAChoice(string? flag, string? model, string? environment, string? configDefault, bool expected)
    {
        var process = environment is null ? null : new Dictionary<string, string> { ["PARLEY_PROVIDER"] = environment };
        var resolver = Resolver(process, config: new ParleyConfig { DefaultProvider = configDefault });

        Assert.Equal(expected, resolver.NamesProvider(new ConnectionOverrides { Provider = flag, Model = model }));
    }

    [Fact]
    public void Resolve_ConfiguredOllamaKind_ParsesKindName()
    {
        var config = new ParleyConfig
        {
            Providers = new Dictionary<string, ProviderSettings>
            {
                ["gpu-box"] = new() { Kind = "ollama", BaseUrl = "http://gpu-box:11434", DefaultModel = "qwen3:8b" },
            },
        };

        var p = Resolver(config: config).Resolve(new ConnectionOverrides { Provider = "gpu-box" });

        Assert.Equal(ProviderKind.Ollama, p.Kind);
        Assert.Equal("qwen3:8b", p.Model);
    }

    [Fact]
    public void Resolve_ConfiguredProviderWithAlias_ExpandsAliasAndReadsKeyVariable()
    {
        var config = new ParleyConfig
        {
            DefaultProvider = "vllm",
            Providers = new()
            {
                ["vllm"] = new ProviderSettings
                {
                    Kind = "openai-compatible",
                    BaseUrl = "http://gpu-box:8000/v1",
                    ApiKeyEnv = "VLLM_KEY",
                    DefaultModel = "big",
                    Aliases = new() { ["big"] = "meta-llama/Llama-3.3-70B-Instruct" },
                },
            },
        };

        var p = Resolver(new Dictionary<string, string> { ["VLLM_KEY"] = "secret" }, config: config).Resolve(new ConnectionOverrides());

        Assert.Equal("vllm", p.Name);
        Assert.Equal("meta-llama/Llama-3.3-70B-Instruct", p.Model);
        Assert.Equal("secret", p.ApiKey);
    }

    [Fact]
    public void Resolve_CompatibleProviderWithKeyVariableUnset_ThrowsNamingThatVariable()
    {
        var config = new ParleyConfig { Providers = new() { ["x"] = new ProviderSettings { Kind = "openai-compatible", BaseUrl = "http://h/v1", ApiKeyEnv = "X_KEY" } } };

        var e = Assert.Throws<MissingApiKeyException>(() => Resolver(config: config).Resolve(new ConnectionOverrides { Provider = "x" }));

        Assert.Equal("X_KEY", e.KeyVariable);
    }

    [Fact]
    public void Resolve_UnknownProvider_ThrowsListingKnownOnes()
    {
        var e = Assert.Throws<ParleyConfigurationException>(() => Resolver().Resolve(new ConnectionOverrides { Provider = "nope" }));

        Assert.Contains("ollama", e.Message);
        Assert.Contains("openai", e.Message);
    }

    [Fact]
    public void Resolve_UnknownKind_Throws()
    {
        var config = new ParleyConfig { Providers = new() { ["x"] = new ProviderSettings { Kind = "bedrock", BaseUrl = "http://h" } } };

        var e = Assert.Throws<ParleyConfigurationException>(() => Resolver(config: config).Resolve(new ConnectionOverrides { Provider = "x" }));

        Assert.Contains("bedrock", e.Message);
    }

    [Fact]
    public void Resolve_NotHttpBaseUrl_Throws()
    {
        Assert.Throws<ParleyConfigurationException>(() =>
            Resolver(new Dictionary<string, string> { ["OPENAI_API_KEY"] = "k" }).Resolve(new ConnectionOverrides { BaseUrl = "ftp://x" }));
    }

    [Fact]
    public void Constructor_NullEnvironment_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new ProviderResolver(null!, new ParleyConfig(), "p"));

        Assert.Equal("environment", e.ParamName);
    }

    [Fact]
    public void ToString_WithKey_MasksKey()
    {
        var p = Resolver(new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-proj-abcdefghijklmnop1234" }).Resolve(new ConnectionOverrides());

        Assert.DoesNotContain("abcdefghijklmnop", p.ToString());
    }
}
