using System.Text.Json;

namespace Parley.Tests.Models;

public class ModelCatalogOverridesTests
{
    private static JsonElement Models(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void WithOverrides_ExistingModel_ReplacesOnlyTheGivenFields()
    {
        ModelCatalog layered = ModelCatalog.BuiltIn.WithOverrides(Models("""{"gpt-4o": {"input_per_million": 2.0}}"""));

        ModelInfo gpt4o = layered.Find("gpt-4o-2024-08-06")!;
        Assert.Equal(2.0m, gpt4o.InputPerMillion);
        Assert.Equal(10m, gpt4o.OutputPerMillion);
        Assert.Equal(1.25m, gpt4o.CachedInputPerMillion);
        Assert.Equal(128000, gpt4o.ContextWindow);
        Assert.Null(gpt4o.PriceDate); // the user's price has no known date
        Assert.Contains("user config", gpt4o.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void WithOverrides_ExistingModel_KeepsPriceDateWhenOnlyLimitsChange()
    {
        ModelCatalog layered = ModelCatalog.BuiltIn.WithOverrides(Models("""{"llama3.2": {"context_window": 8192}}"""));

        ModelInfo llama = layered.Find("llama3.2:3b")!;
        Assert.Equal(8192, llama.ContextWindow);
        Assert.NotNull(llama.PriceDate);
    }

    [Fact]
    public void WithOverrides_DoesNotChangeTheOriginalCatalog()
    {
        _ = ModelCatalog.BuiltIn.WithOverrides(Models("""{"gpt-4o": {"input_per_million": 99}}"""));

        Assert.Equal(2.5m, ModelCatalog.BuiltIn.Find("gpt-4o")!.InputPerMillion);
    }

    [Fact]
    public void WithOverrides_NewIdOfKnownFamily_StartsFromTheFamily()
    {
        ModelCatalog layered = ModelCatalog.BuiltIn.WithOverrides(Models(
            """{"gpt-4o-2099-01-01": {"input_per_million": 1.5, "output_per_million": 6, "price_date": "2099-01-01"}}"""));

        ModelInfo model = layered.Find("gpt-4o-2099-01-01")!;
        Assert.Equal("gpt-4o-2099-01-01", model.Id);
        Assert.Equal(1.5m, model.InputPerMillion);
        Assert.Equal("o200k_base", model.Encoding);
        Assert.Equal(128000, model.ContextWindow);
        Assert.Equal(new DateOnly(2099, 1, 1), model.PriceDate);
        Assert.Equal(2.5m, layered.Find("gpt-4o")!.InputPerMillion);
    }

    [Fact]
    public void WithOverrides_NewUnrelatedModel_UsesDefaults()
    {
        ModelCatalog layered = ModelCatalog.BuiltIn.WithOverrides(Models(
            """{"my-vllm-model": {"provider": "vllm", "context_window": 32768, "framing": {"per_message": 4, "per_name": 1, "reply_priming": 3}}}"""));

        ModelInfo model = layered.Find("my-vllm-model")!;
        Assert.Equal("vllm", model.Provider);
        Assert.Equal(32768, model.ContextWindow);
        Assert.Null(model.Encoding);
        Assert.Null(model.InputPerMillion);
        Assert.Equal(new ChatFraming(4, 1, 3), model.Framing);
        Assert.Equal("user config", model.Source);
        Assert.Equal(ModelCatalog.BuiltIn.Models.Count + 1, layered.Models.Count);
    }

    [Fact]
    public void WithOverrides_NamedFramingAndAliases_AreAvailable()
    {
        ModelCatalog layered = ModelCatalog.BuiltIn.WithOverrides(Models(
            """{"corp-llama": {"provider": "ollama", "local": true, "framing": "llama3", "aliases": ["llama-corp"], "input_per_million": 0, "output_per_million": 0}}"""));

        ModelInfo model = layered.Find("llama-corp:latest")!;
        Assert.Equal("corp-llama", model.Id);
        Assert.Equal(new ChatFraming(4, 1, 5), model.Framing);
    }

    [Fact]
    public void WithOverrides_UnknownField_ThrowsNamingIt()
    {
        FormatException error = Assert.Throws<FormatException>(() =>
            ModelCatalog.BuiltIn.WithOverrides(Models("""{"gpt-4o": {"inputPerMillion": 2}}""")));

        Assert.Contains("inputPerMillion", error.Message, StringComparison.Ordinal);
        Assert.Contains("gpt-4o", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithOverrides_NotAnObject_Throws()
    {
        Assert.Throws<FormatException>(() => ModelCatalog.BuiltIn.WithOverrides(Models("[1, 2]")));
        Assert.Throws<FormatException>(() => ModelCatalog.BuiltIn.WithOverrides(Models("""{"gpt-4o": 3}""")));
    }

    [Fact]
    public void WithOverrides_NullOrUndefined_ReturnsSameCatalog()
    {
        Assert.Same(ModelCatalog.BuiltIn, ModelCatalog.BuiltIn.WithOverrides(default));
        Assert.Same(ModelCatalog.BuiltIn, ModelCatalog.BuiltIn.WithOverrides(Models("null")));
    }

    [Fact]
    public void WithOverrides_ClearingAPrice_MakesItUnknown()
    {
        ModelCatalog layered = ModelCatalog.BuiltIn.WithOverrides(Models("""{"gpt-4o-mini": {"output_per_million": null}}"""));

        Assert.Null(layered.Find("gpt-4o-mini")!.OutputPerMillion);
    }
}
