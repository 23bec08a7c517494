using Microsoft.Extensions.AI;

namespace Parley.Tests.Tokens;

public class ImageTokenEstimatorTests
{
    private static readonly ImageTokenRule Gpt4o = new(85, 170);

    [Theory]
    [InlineData(1024, 1024, "high", 765)]   // OpenAI's vision guide example
    [InlineData(2048, 4096, "high", 1105)]  // OpenAI's vision guide example
    [InlineData(4096, 8192, "low", 85)]
    [InlineData(800, 400, "auto", 425)]     // the recorded gpt-4-vision-preview request billed 438 = 425 + 13 text
    [InlineData(300, 200, null, 255)]
    public void Count_TileRule_FollowsTheVisionGuide(int width, int height, string? detail, int tokens)
    {
        Assert.Equal(tokens, ImageTokenEstimator.Count(Gpt4o, width, height, detail));
    }

    [Theory]
    [InlineData(1024, 1024, 1.0, 1024)]  // guide: 1024 patches
    [InlineData(1800, 2400, 1.0, 1452)]  // guide: scaled to fit 1536 patches
    [InlineData(1024, 1024, 1.62, 1659)]
    public void Count_PatchRule_FollowsTheVisionGuide(int width, int height, double multiplier, int tokens)
    {
        Assert.Equal(tokens, ImageTokenEstimator.Count(ImageTokenRule.Patches(multiplier), width, height, null));
    }

    [Fact]
    public void TryReadSize_PngGifWebpJpegHeaders_ReadWidthAndHeight()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 3, 32, 0, 0, 1, 144, 8, 2, 0, 0, 0];
        byte[] gif = [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 0x20, 0x03, 0x90, 0x01];
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x90, 0x03, 0x20, 0x03, 0, 0, 0, 0];
        byte[] webp = new byte[30];
        "RIFF"u8.CopyTo(webp);
        "WEBPVP8X"u8.CopyTo(webp.AsSpan(8));
        webp[24] = 0x1F; webp[25] = 0x03; // width - 1 = 799
        webp[27] = 0x8F; webp[28] = 0x01; // height - 1 = 399

        foreach (byte[] image in new[] { png, gif, jpeg, webp })
        {
            Assert.True(ImageTokenEstimator.TryReadSize(image, out int width, out int height));
            Assert.Equal((800, 400), (width, height));
        }

        Assert.False(ImageTokenEstimator.TryReadSize([1, 2, 3], out _, out _));
    }

    [Fact]
    public void CountPrompt_ImageOfKnownSize_IsExactForAVisionModel()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 3, 32, 0, 0, 1, 144, 8, 2, 0, 0, 0];
        var message = new ChatMessage(ChatRole.User, [new TextContent("What is in this image?"), new DataContent(png, "image/png")]);
        var counter = new TokenCounter();

        TokenCount gpt4o = counter.CountPrompt([message], ModelCatalog.BuiltIn.Find("gpt-4o")!);
        TokenCount mini = counter.CountPrompt([message], ModelCatalog.BuiltIn.Find("gpt-4o-mini")!);

        Assert.Equal(new TokenCount(425 + 13, false), gpt4o);
        Assert.Equal(2833 + (2 * 5667) + 13, mini.Value);
        Assert.Equal(1, counter.MessageTokenizations); // one tokenization, two image rules
    }

    [Fact]
    public void CountPrompt_ImageUrlOfUnknownSize_IsAnEstimate()
    {
        var message = new ChatMessage(ChatRole.User, [new TextContent("describe"), new UriContent(new Uri("https://example.com/cat.png"), "image/png")]);

        TokenCount count = new TokenCounter().CountPrompt([message], ModelCatalog.BuiltIn.Find("gpt-4o")!);

        Assert.True(count.IsEstimate);
        Assert.True(count.Value > 765);
    }
}
