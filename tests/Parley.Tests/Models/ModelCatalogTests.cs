namespace Parley.Tests.Models;

public class ModelCatalogTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.BuiltIn;

    [Theory]
    [InlineData("gpt-3.5-turbo")]
    [InlineData("gpt-4")]
    [InlineData("gpt-4-32k")]
    [InlineData("gpt-4-turbo")]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4.1")]
    [InlineData("gpt-4.1-mini")]
    [InlineData("gpt-4.1-nano")]
    [InlineData("gpt-4.5-preview")]
    [InlineData("o1")]
    [InlineData("o1-mini")]
    [InlineData("o3")]
    [InlineData("o3-mini")]
    [InlineData("o4-mini")]
    [InlineData("gpt-5")]
    [InlineData("gpt-5-mini")]
    [InlineData("gpt-5-nano")]
    [InlineData("gpt-5.1")]
    [InlineData("llama3.1")]
    [InlineData("llama3.2")]
    [InlineData("llama3.3")]
    [InlineData("qwen2.5")]
    [InlineData("qwen3")]
    [InlineData("mistral")]
    [InlineData("gemma2")]
    [InlineData("gemma3")]
    [InlineData("phi3")]
    [InlineData("phi4")]
    [InlineData("deepseek-r1")]
    [InlineData("gpt-oss")]
    public void BuiltIn_RequiredModel_IsPresentUnderItsOwnId(string id)
    {
        ModelInfo? model = Catalog.Find(id);

        Assert.NotNull(model);
        Assert.Equal(id, model.Id);
    }

    [Fact]
    public void BuiltIn_EveryEntry_HasLimitsPricesSourceAndDate()
    {
        Assert.True(Catalog.Models.Count >= 40);
        foreach (ModelInfo model in Catalog.Models)
        {
            Assert.True(model.ContextWindow > 0, model.Id);
            Assert.NotNull(model.InputPerMillion);
            Assert.NotNull(model.OutputPerMillion);
            Assert.False(string.IsNullOrWhiteSpace(model.Source), model.Id);
            Assert.NotNull(model.PriceDate);
            Assert.True(model.Provider is ModelInfo.OpenAIProvider or ModelInfo.OllamaProvider, model.Id);
            if (model.Provider == ModelInfo.OpenAIProvider)
            {
                Assert.True(model.HasExactTokenizer, model.Id);
                Assert.True(model.InputPerMillion > 0, model.Id);
            }
            else
            {
                Assert.True(model.IsLocal, model.Id);
                Assert.Equal(0m, model.InputPerMillion);
                Assert.False(model.HasExactTokenizer, model.Id);
            }
        }
    }

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("gpt-4o-2024-11-20", "gpt-4o")]
    [InlineData("gpt-4o-2024-05-13", "gpt-4o-2024-05-13")]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("gpt-5.1-2025-11-13", "gpt-5.1")]
    [InlineData("gpt-5-2025-08-07", "gpt-5")]
    [InlineData("o3-mini-2025-01-31", "o3-mini")]
    [InlineData("o1-mini-2024-09-12", "o1-mini")]
    [InlineData("gpt-3.5-turbo-0125", "gpt-3.5-turbo")]
    [InlineData("gpt-4-0613", "gpt-4")]
    [InlineData("gpt-4-32k-0613", "gpt-4-32k")]
    [InlineData("gpt-4-1106-preview", "gpt-4-turbo")]
    [InlineData("gpt-4-1106-vision-preview", "gpt-4-turbo")]
    [InlineData("gpt-4-turbo-2024-04-09", "gpt-4-turbo")]
    [InlineData("gpt-4.5-preview-2025-02-27", "gpt-4.5-preview")]
    [InlineData("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini")]
    [InlineData("o1-2024-12-17", "o1")]
    [InlineData("GPT-4o", "gpt-4o")]
    [InlineData("openai/gpt-4o", "gpt-4o")]
    public void Find_SnapshotOrVariant_ResolvesToFamily(string id, string family)
    {
        Assert.Equal(family, Catalog.Find(id)?.Id);
    }

    [Theory]
    [InlineData("llama3.2:3b", "llama3.2")]
    [InlineData("llama3.2", "llama3.2")]
    [InlineData("llama3.1:8b-instruct-q4_0", "llama3.1")]
    [InlineData("qwen2.5:7b-instruct-q4_K_M", "qwen2.5")]
    [InlineData("qwen3:0.6b", "qwen3")]
    [InlineData("gemma3:1b", "gemma3")]
    [InlineData("gpt-oss:20b", "gpt-oss")]
    [InlineData("deepseek-r1:8b", "deepseek-r1")]
    [InlineData("phi4:latest", "phi4")]
    [InlineData("hf.co/someone/llama3.2:Q4_K_M", "llama3.2")]
    [InlineData("ollama/mistral:7b", "mistral")]
    public void Find_OllamaTag_ResolvesToFamily(string id, string family)
    {
        Assert.Equal(family, Catalog.Find(id)?.Id);
    }

    [Theory]
    [InlineData("gpt-4o-mni")]
    [InlineData("gpt-4o-foo")]
    [InlineData("gpt-4o-mini-search-preview")]
    [InlineData("gpt-5.7")]
    [InlineData("gpt-5.7-mini")]
    [InlineData("gpt-4o-20240806")]
    [InlineData("gpt-4o-2024-13-45")]
    [InlineData("gpt-4o-1399")]
    [InlineData("gpt-4o:latest")]
    [InlineData("llama3.2-2024-08-06")]
    [InlineData("qwen2.5-coder:7b-instruct-q8_0")]
    [InlineData("ft:gpt-4o-mni:org::x1")]
    public void Find_IdThatIsNoRealPatternOfACatalogModel_ReturnsNull(string id)
    {
        Assert.Null(Catalog.Find(id));
    }

    [Theory]
    [InlineData("claude-3-opus")]
    [InlineData("gpt-6")]
    [InlineData("o9-mini")]
    [InlineData("")]
    [InlineData("   ")]
    public void Find_UnknownModel_ReturnsNull(string id)
    {
        Assert.Null(Catalog.Find(id));
    }

    [Fact]
    public void Find_Null_ThrowsWithParameterName()
    {
        ArgumentNullException error = Assert.Throws<ArgumentNullException>(() => Catalog.Find(null!));
        Assert.Equal("modelId", error.ParamName);
    }

    [Fact]
    public void Find_FineTuneOfPricedModel_ResolvesWithFineTunedPrices()
    {
        ModelInfo? model = Catalog.Find("ft:gpt-4o-mini-2024-07-18:my-org::9abcDEF");

        Assert.NotNull(model);
        Assert.Equal("gpt-4o-mini", model.Id);
        Assert.Equal(0.3m, model.InputPerMillion);
        Assert.Equal(0.15m, model.CachedInputPerMillion);
        Assert.Equal(1.2m, model.OutputPerMillion);
        Assert.Equal("o200k_base", model.Encoding);
        Assert.Contains("fine-tune", model.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_FineTuneWithoutKnownPrices_HasUnknownPrices()
    {
        ModelInfo? model = Catalog.Find("ft:gpt-4.1-nano-2025-04-14:org::x1");

        Assert.NotNull(model);
        Assert.Equal("gpt-4.1-nano", model.Id);
        Assert.Null(model.InputPerMillion);
        Assert.Null(model.OutputPerMillion);
        Assert.True(model.HasExactTokenizer);
    }

    [Fact]
    public void Resolve_UnknownModel_ReturnsPlaceholderWithUnknownPrices()
    {
        ModelInfo model = Catalog.Resolve("meta-llama/llama-3.2-3b-instruct:free ");

        Assert.Equal("meta-llama/llama-3.2-3b-instruct:free", model.Id);
        Assert.Null(model.InputPerMillion);
        Assert.Null(model.Encoding);
        Assert.False(model.HasExactTokenizer);
        Assert.Equal("max_tokens", model.MaxTokensField);
    }

    [Fact]
    public void Find_ReasoningModels_CarryRequestCapabilities()
    {
        ModelInfo o3Mini = Catalog.Find("o3-mini")!;
        Assert.True(o3Mini.IsReasoning);
        Assert.True(o3Mini.UsesDeveloperRole);
        Assert.False(o3Mini.SupportsTemperature);
        Assert.True(o3Mini.SupportsReasoningEffort);
        Assert.Equal("max_completion_tokens", o3Mini.MaxTokensField);
        Assert.Equal(ChatFraming.OpenAIReasoning, o3Mini.Framing);

        ModelInfo o1Mini = Catalog.Find("o1-mini")!;
        Assert.Equal("user", o1Mini.SystemRole);
        Assert.False(o1Mini.UsesDeveloperRole);

        ModelInfo gpt4o = Catalog.Find("gpt-4o")!;
        Assert.False(gpt4o.IsReasoning);
        Assert.Equal("system", gpt4o.SystemRole);
        Assert.True(gpt4o.SupportsTemperature);
        Assert.Equal(ChatFraming.OpenAIChat, gpt4o.Framing);
        Assert.Equal(new ImageTokenRule(85, 170), gpt4o.ImageTokens);

        ModelInfo llama = Catalog.Find("llama3.2:1b")!;
        Assert.Equal("ollama", llama.Provider);
        Assert.True(llama.IsLocal);
        Assert.Equal("max_tokens", llama.MaxTokensField);
        Assert.Null(llama.Encoding);

        Assert.Equal("o200k_harmony", Catalog.Find("gpt-oss:120b")!.Encoding);
        Assert.Equal("cl100k_base", Catalog.Find("gpt-4")!.Encoding);
    }

    [Fact]
    public void Cheapest_OpenAI_ReturnsCheapestNonReasoningModel()
    {
        ModelInfo? cheapest = Catalog.Cheapest("openai");

        Assert.NotNull(cheapest);
        Assert.Equal("gpt-4.1-nano", cheapest.Id);
    }

    [Fact]
    public void Cheapest_Ollama_ReturnsALocalModel()
    {
        ModelInfo? cheapest = Catalog.Cheapest("ollama");

        Assert.NotNull(cheapest);
        Assert.True(cheapest.IsLocal);
        Assert.False(cheapest.IsReasoning);
    }

    [Fact]
    public void Cheapest_UnknownProvider_ReturnsNull()
    {
        Assert.Null(Catalog.Cheapest("nobody"));
    }

    [Fact]
    public void Parse_SmallCatalog_ReadsEveryField()
    {
        ModelCatalog catalog = ModelCatalog.Parse("""
            {
              "framings": { "mine": { "per_message": 5, "per_name": 2, "reply_priming": 4 } },
              "models": {
                "tiny": {
                  "provider": "vllm", "aliases": ["tiny-latest"], "context_window": 4096, "max_output_tokens": 512,
                  "encoding": "cl100k_base", "input_per_million": 0.25, "cached_input_per_million": 0.1,
                  "output_per_million": 1, "reasoning": true, "system_role": "developer", "supports_temperature": false,
                  "supports_reasoning_effort": true, "max_tokens_field": "max_completion_tokens", "framing": "mine",
                  "image_tokens": { "patch_multiplier": 1.5 }, "source": "test", "price_date": "2026-01-02", "local": true
                }
              }
            }
            """);

        ModelInfo tiny = catalog.Find("tiny-latest")!;
        Assert.Equal("tiny", tiny.Id);
        Assert.Equal("vllm", tiny.Provider);
        Assert.Equal(4096, tiny.ContextWindow);
        Assert.Equal(512, tiny.MaxOutputTokens);
        Assert.Equal("cl100k_base", tiny.Encoding);
        Assert.Equal(0.25m, tiny.InputPerMillion);
        Assert.Equal(0.1m, tiny.CachedInputPerMillion);
        Assert.Equal(1m, tiny.OutputPerMillion);
        Assert.True(tiny.IsReasoning);
        Assert.True(tiny.UsesDeveloperRole);
        Assert.False(tiny.SupportsTemperature);
        Assert.True(tiny.SupportsReasoningEffort);
        Assert.Equal("max_completion_tokens", tiny.MaxTokensField);
        Assert.Equal(new ChatFraming(5, 2, 4), tiny.Framing);
        Assert.Equal(ImageTokenRule.Patches(1.5), tiny.ImageTokens);
        Assert.Equal("test", tiny.Source);
        Assert.Equal(new DateOnly(2026, 1, 2), tiny.PriceDate);
        Assert.True(tiny.IsLocal);
        Assert.False(tiny.HasExactTokenizer); // not served by OpenAI
    }

    [Theory]
    [InlineData("""{"models": {"m": {"input_price": 1}}}""", "input_price")]
    [InlineData("""{"models": {"m": {"system_role": "boss"}}}""", "system_role")]
    [InlineData("""{"models": {"m": {"max_tokens_field": "limit"}}}""", "max_tokens_field")]
    [InlineData("""{"models": {"m": {"input_per_million": -1}}}""", "input_per_million")]
    [InlineData("""{"models": {"m": {"context_window": "big"}}}""", "context_window")]
    [InlineData("""{"models": {"m": {"framing": "nope"}}}""", "framing")]
    [InlineData("""{"models": {"m": {"price_date": "23/11/2026"}}}""", "price_date")]
    [InlineData("""{"models": {"m": {"image_input": "yes"}}}""", "image_input")]
    [InlineData("""{"models": {"m": {"file_input": 1}}}""", "file_input")]
    public void Parse_BadField_ThrowsNamingTheField(string json, string field)
    {
        FormatException error = Assert.Throws<FormatException>(() => ModelCatalog.Parse(json));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt-4o", true)]
    [InlineData("gpt-4.1-mini", true)]
    [InlineData("gpt-4-1106-vision-preview", true)]
    [InlineData("gpt-3.5-turbo", false)]
    [InlineData("gpt-4-0613", false)]
    [InlineData("o3-mini", false)]
    [InlineData("llama3.2:3b", false)]
    [InlineData("gemma3:4b", null)] // gemma3:1b reads no images, 4b and larger do
    public void BuiltIn_KnowsWhichModelsReadImages(string model, bool? readsImages)
    {
        Assert.Equal(readsImages, Catalog.Find(model)!.SupportsImageInput);
        Assert.False(Catalog.Find(model)!.SupportsFileInput);
    }

    [Fact]
    public void Parse_ImageInput_DefaultsToTrueWithAnImageRuleAndUnknownWithout()
    {
        ModelCatalog catalog = ModelCatalog.Parse("""
            {"models": {
              "seeing": {"image_tokens": {"base": 85, "tile": 170}},
              "unknown": {},
              "blind": {"image_tokens": {"base": 85, "tile": 170}, "image_input": false},
              "reader": {"file_input": true}
            }}
            """);

        Assert.True(catalog.Find("seeing")!.SupportsImageInput);
        Assert.Null(catalog.Find("unknown")!.SupportsImageInput);
        Assert.False(catalog.Find("blind")!.SupportsImageInput);
        Assert.True(catalog.Find("reader")!.SupportsFileInput);
        Assert.False(catalog.Find("unknown")!.SupportsFileInput);
    }
}
