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

    [Theory]
    [InlineData("This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.", 4294)]
    [InlineData("This model's maximum context length is 4097 tokens. However, you requested 4120 tokens (3120 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.", 3120)]
    [InlineData("request (5,000 tokens) exceeds the available context size (4096 tokens)", 5000)]
    [InlineData("This model's maximum context length is 8192 tokens.", null)]
    public void TryReadPromptTokens_KnownWordings_ReadsTheServersCount(string message, int? expected)
    {
        Assert.Equal(expected, ContextLimitParser.TryReadPromptTokens(message));
    }

    [Fact]
    public void LooksLikeContextError_OtherError_False()
    {
        Assert.False(ContextLimitParser.LooksLikeContextError("Incorrect API key provided"));
    }
}
