using System.Net;
using System.Text.Json;

namespace Parley.Server.Tests.WebApi;

/// <summary><c>GET /v1/parley/conversations/{id}/export</c>: what <c>parley history export</c> writes, as a download.</summary>
public sealed class ConversationExportTests
{
    [Theory]
    [InlineData("markdown", "text/markdown", "md")]
    [InlineData("json", "application/json", "json")]
    public async Task Export_Format_SameTextAsTheCliExportAsADownload(string format, string mediaType, string extension)
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        await ada.ChatAsync("chat-1", "hello **there**");
        var stored = await server.Gateway.Store.LoadAsync((await server.Gateway.Store.ListAsync()).Single().Id);

        var (status, _, response) = await ada.SendAsync(HttpMethod.Get, $"/v1/parley/conversations/chat-1/export?format={format}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"attachment; filename=\"parley-chat-1.{extension}\"", response.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal(format == "json" ? ConversationExport.ToJson(stored) + "\n" : ConversationExport.ToMarkdown(stored), text);
        Assert.Contains("hello **there**", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_NoFormat_Markdown()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        await ada.ChatAsync("chat-1", "hello");

        var (_, _, response) = await ada.SendAsync(HttpMethod.Get, "/v1/parley/conversations/chat-1/export");

        Assert.StartsWith("# hello\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
