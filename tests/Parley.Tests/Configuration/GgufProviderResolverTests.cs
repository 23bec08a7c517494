namespace Parley.Tests.Configuration;

/// <summary><c>gguf:PATH</c>, <c>gguf:NAME</c> (a config alias) and <c>gguf:ollama/NAME</c> resolved to a file.</summary>
public sealed class GgufProviderResolverTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("parley-gguf-resolve-").FullName;

    [Fact]
    public void Resolve_GgufPath_TheFullPathIsTheModel()
    {
        var resolved = Resolver().Resolve(new ConnectionOverrides { Model = "gguf:" + Path.Combine(directory, "sub", "..", "m.gguf") });

        Assert.Equal(ProviderKind.Gguf, resolved.Kind);
        Assert.Equal(Path.Combine(directory, "m.gguf"), resolved.Model);
        Assert.Equal(Path.Combine(directory, "m.gguf"), resolved.Gguf!.Path);
        Assert.Null(resolved.ApiKey);
    }

    [Fact]
    public void Resolve_GgufAlias_TheAliasIsTheModelWithItsSettings()
    {
        var config = new ParleyConfig
        {
            Gguf = new() { ["tiny"] = new GgufModelSettings { Path = "~/models/tiny.gguf", ContextSize = 512, Threads = 2, ChatTemplate = "chatml", OutputPerMillion = 0.5m } },
        };

        var resolved = Resolver(config: config, home: directory).Resolve(new ConnectionOverrides { Model = "gguf:tiny" });

        Assert.Equal("tiny", resolved.Model);
        Assert.Equal(Path.Combine(directory, "models", "tiny.gguf"), resolved.Gguf!.Path);
        Assert.Equal((512, 2, "chatml", 0.5m), (resolved.Gguf.ContextSize!.Value, resolved.Gguf.Threads!.Value, resolved.Gguf.ChatTemplate, resolved.Gguf.OutputPerMillion!.Value));
        Assert.Equal("~/models/tiny.gguf", config.Gguf["tiny"].Path); // the caller's config is not changed
    }

    [Fact]
    public void Resolve_GgufOllamaName_TheModelLayerBlobOfItsManifest()
    {
        var models = Path.Combine(directory, "ollama");
        var manifest = Path.Combine(models, "manifests", "registry.ollama.ai", "library", "llama3.2", "1b");
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        File.WriteAllText(manifest, """
            {"schemaVersion":2,"layers":[
              {"mediaType":"application/vnd.ollama.image.template","digest":"sha256:aaa","size":1},
              {"mediaType":"application/vnd.ollama.image.model","digest":"sha256:bbb","size":2}]}
            """);

        var resolved = Resolver(ollamaModels: models).Resolve(new ConnectionOverrides { Model = "gguf:ollama/llama3.2:1b" });

        Assert.Equal("ollama/llama3.2:1b", resolved.Model);
        Assert.Equal(Path.Combine(models, "blobs", "sha256-bbb"), resolved.Gguf!.Path);
    }

    [Fact]
    public void Resolve_GgufOllamaNameNotInstalled_ConfigurationErrorNamingThePull()
    {
        var error = Assert.Throws<ParleyConfigurationException>(
            () => Resolver(ollamaModels: directory).Resolve(new ConnectionOverrides { Model = "gguf:ollama/qwen3" }));

        Assert.Contains("ollama pull qwen3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_GgufWithoutAModel_ConfigurationError()
    {
        var error = Assert.Throws<ParleyConfigurationException>(() => Resolver().Resolve(new ConnectionOverrides { Provider = "gguf" }));

        Assert.Contains("-m gguf:PATH", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static ProviderResolver Resolver(ParleyConfig? config = null, string? home = null, string? ollamaModels = null)
    {
        var variables = new Dictionary<string, string>();
        if (home is not null)
        {
            variables["HOME"] = home;
        }

        if (ollamaModels is not null)
        {
            variables["OLLAMA_MODELS"] = ollamaModels;
        }

        return new ProviderResolver(new EnvironmentSource(variables.GetValueOrDefault), config ?? new ParleyConfig(), "/cfg/config.json");
    }
}
