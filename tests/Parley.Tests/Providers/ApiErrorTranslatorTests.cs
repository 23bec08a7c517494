namespace Parley.Tests;

public class ApiErrorTranslatorTests
{
    [Fact]
    public void ReadErrorBody_OpenAIShape_ReadsMessageTypeCode()
    {
        var (message, type, code) = ApiErrorTranslator.ReadErrorBody(
            """{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""");

        Assert.Equal("You exceeded your current quota", message);
        Assert.Equal("insufficient_quota", type);
        Assert.Equal("insufficient_quota", code);
    }

    [Fact]
    public void ReadErrorBody_OllamaStringError_ReadsMessage()
    {
        var (message, _, _) = ApiErrorTranslator.ReadErrorBody("""{"error":"model \"x\" not found, try pulling it first"}""");

        Assert.Equal("model \"x\" not found, try pulling it first", message);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("")]
    [InlineData("not json")]
    public void ReadErrorBody_NotAnErrorObject_ReturnsNulls(string body)
    {
        Assert.Null(ApiErrorTranslator.ReadErrorBody(body).Message);
    }

    [Fact]
    public void Translate_ServerEchoesKey_KeyIsRedacted()
    {
        var translator = new ApiErrorTranslator(new Uri("http://h/v1"), "sk-secret-key-123456");

        var e = translator.Translate(new IOException("failed for sk-secret-key-123456"), userCancelled: false);

        Assert.NotNull(e);
        Assert.DoesNotContain("sk-secret-key-123456", e!.Message);
    }

    [Fact]
    public void Translate_UserCancelled_ReturnsNull()
    {
        var translator = new ApiErrorTranslator(new Uri("http://h/v1"), null);

        Assert.Null(translator.Translate(new OperationCanceledException(), userCancelled: true));
    }
}
