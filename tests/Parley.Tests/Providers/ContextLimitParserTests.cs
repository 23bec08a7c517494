namespace Parley.Tests;

public class ContextLimitParserTests
{
    [Theory]
    [InlineData("This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", 8192)]
    [InlineData("This model's maximum context length is 128,000 tokens.", 128000)]
    [InlineData("the request exceeds the available context size (4096 tokens)", null)]
    public void TryReadLimit_KnownWordings_ReadsLimit(string message, int? expected)
    {
        Assert.True(ContextLimitParser.LooksLikeContextError(message));
        if (expected is not null)
        {
            Assert.Equal(expected, ContextLimitParser.TryReadLimit(message));
        }
    }

    [Fact]
    public void LooksLikeContextError_OtherError_False()
    {
        Assert.False(ContextLimitParser.LooksLikeContextError("Incorrect API key provided"));
    }
}
