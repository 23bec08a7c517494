namespace Parley.Cli.Tests;

/// <summary>The warning for a model id the catalog does not know, and its "did you mean" hint.</summary>
public sealed class UnknownModelNoticeTests
{
    [Theory]
    [InlineData("gpt-4o-mni", "gpt-4o-mini")]
    [InlineData("GPT-4o-mni", "gpt-4o-mini")]
    [InlineData("gpt4o-mini", "gpt-4o-mini")]
    [InlineData("o3-mnii", "o3-mini")]
    [InlineData("lama3.2", "llama3.2")]
    [InlineData("gpt-4o-foo", null)]
    [InlineData("claude-3-opus", null)]
    public void Suggest_UnknownId_ClosestCatalogIdWithinTwoEdits(string id, string? expected)
    {
        Assert.Equal(expected, UnknownModelNotice.Suggest(ModelCatalog.BuiltIn, id));
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4o-2024-08-06")]
    [InlineData("ft:gpt-4o-mini-2024-07-18:org::abc")]
    [InlineData("llama3.2:3b")]
    public void For_KnownId_NoWarning(string id)
    {
        Assert.Null(UnknownModelNotice.For(ModelCatalog.BuiltIn, id));
    }

    [Fact]
    public void For_UnknownId_SaysPriceUnknown()
    {
        Assert.Equal("my-own-model is not in the model catalog: price unknown", UnknownModelNotice.For(ModelCatalog.BuiltIn, "my-own-model"));
    }
}
