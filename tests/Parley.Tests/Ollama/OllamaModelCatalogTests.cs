using Parley.TestServer;

namespace Parley.Tests.Ollama;

public sealed class OllamaModelCatalogTests
{
    private static LoopbackServerOptions Installed() => new()
    {
        OllamaModels =
        [
            new OllamaModel("llama3.2") { Family = "llama", ParameterSize = "3.2B", QuantizationLevel = "Q4_K_M", Size = 2_019_393_189, ContextLength = 131_072, ModifiedAt = new(2025, 8, 1, 0, 0, 0, TimeSpan.Zero) },
            new OllamaModel("qwen3:0.6b") { Family = "qwen3", ParameterSize = "751.63M", QuantizationLevel = "Q4_K_M", Size = 522_653_767, ContextLength = 40_960, ModifiedAt = new(2025, 9, 1, 0, 0, 0, TimeSpan.Zero) },
            new OllamaModel("tinyllama") { Family = "llama", ParameterSize = "1B", QuantizationLevel = "Q4_0", Size = 637_700_138, ContextLength = 2_048, ModifiedAt = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        ],
    };

    [Fact]
    public async Task OllamaList_OneTagsRequest_NewestFirstWithDetails()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var catalog = new OllamaModelCatalog(server.BaseAddress);

        var models = await catalog.ListAsync();

        Assert.Equal(["qwen3:0.6b", "llama3.2:latest", "tinyllama:latest"], models.Select(m => m.Name));
        var qwen = models[0];
        Assert.Equal(522_653_767, qwen.SizeBytes);
        Assert.Equal("qwen3", qwen.Family);
        Assert.Equal("751.63M", qwen.ParameterSize);
        Assert.Equal("Q4_K_M", qwen.Quantization);
        Assert.Equal(new DateTimeOffset(2025, 9, 1, 0, 0, 0, TimeSpan.Zero), qwen.ModifiedAt);
        var request = Assert.Single(server.Requests);
        Assert.Equal(("GET", "/api/tags"), (request.Method, request.Path));
    }

    [Fact]
    public async Task OllamaShow_InstalledModel_ReadsFamilyContextLength()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var catalog = new OllamaModelCatalog(server.BaseAddress);

        var model = await catalog.ShowAsync("qwen3:0.6b");

        Assert.Equal(40_960, model.ContextLength);
        Assert.Equal("qwen3", model.Family);
        Assert.Equal("Q4_K_M", model.Quantization);
        Assert.Equal(40_960, await catalog.GetContextLengthAsync("qwen3:0.6b"));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task OllamaShow_NotInstalled_ThrowsPullHint()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var catalog = new OllamaModelCatalog(server.BaseAddress);

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => catalog.ShowAsync("mistral"));

        Assert.Equal("model mistral is not installed: run `ollama pull mistral`", e.Message);
        Assert.Equal(404, e.StatusCode);
    }

    [Fact]
    public async Task OllamaList_ServerDown_ThrowsConnectionRefused()
    {
        using var catalog = new OllamaModelCatalog(OllamaServerClients.ClosedAddress());

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => catalog.ListAsync());

        Assert.Equal(ApiFailureKind.ConnectionRefused, e.Kind);
    }

    [Fact]
    public async Task OllamaDescribe_UnknownModel_IsLocalFreeWithServerWindow()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var catalog = new OllamaModelCatalog(server.BaseAddress);

        var tiny = await catalog.DescribeAsync("tinyllama");
        var llama = await catalog.DescribeAsync("llama3.2");

        Assert.True(tiny.IsLocal);
        Assert.Equal("ollama", tiny.Provider);
        Assert.Equal(0m, tiny.InputPerMillion);
        Assert.Equal(0m, tiny.OutputPerMillion);
        Assert.Equal(2_048, tiny.ContextWindow);
        Assert.Equal("llama3.2", llama.Id);
        Assert.Equal(131_072, llama.ContextWindow);
        Assert.Contains("/api/show", llama.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void OllamaCatalogFor_UnknownOllamaModel_IsFree()
    {
        var provider = new ResolvedProvider { Name = "ollama", Kind = ProviderKind.Ollama, BaseUrl = new Uri("http://localhost:11434"), Model = "tinyllama" };

        var catalog = ChatClientFactory.CatalogFor(provider, ModelCatalog.BuiltIn);

        var model = catalog.Find("tinyllama");
        Assert.NotNull(model);
        Assert.True(model.IsLocal);
        Assert.Equal(0m, CostCalculator.Compute(new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 1000, OutputTokenCount = 1000 }, model));
        Assert.Same(ModelCatalog.BuiltIn, ChatClientFactory.CatalogFor(provider with { Model = "llama3.2" }, ModelCatalog.BuiltIn));
        Assert.Same(ModelCatalog.BuiltIn, ChatClientFactory.CatalogFor(provider with { Kind = ProviderKind.OpenAICompatible }, ModelCatalog.BuiltIn));
    }

    [Fact]
    public void OllamaModelCatalog_NullAddress_ThrowsNamingParameter()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new OllamaModelCatalog(null!));
        Assert.Equal("address", e.ParamName);
    }
}
