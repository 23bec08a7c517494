using System.Net;
using System.Text.RegularExpressions;
using Parley.Server.Tests.Sdk;

namespace Parley.Web.Tests;

/// <summary>The page's files as the gateway serves them (no browser needed): embedded, typed, under a strict policy.</summary>
public sealed class WebChatAssetsTests
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    [InlineData("/vendor/marked.umd.js", "text/javascript")]
    [InlineData("/vendor/purify.min.js", "text/javascript")]
    public async Task Asset_Get_ServedWithoutKeyWithItsTypeAndStrictPolicy(string path, string mediaType)
    {
        await using var server = await KeyedGateway.StartAsync();

        using var response = await server.Gateway.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        string policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Page_Head_SameHeadersWithoutBody()
    {
        await using var server = await KeyedGateway.StartAsync();

        using var response = await server.Gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Page_Html_LoadsOnlyItsOwnFilesAndNoInlineScript()
    {
        await using var server = await KeyedGateway.StartAsync();

        string html = await server.Gateway.Client.GetStringAsync("/");

        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
        Assert.DoesNotMatch(@"<[^>]*\son[a-z]+\s*=", html); // no inline event handler
        foreach (Match match in Regex.Matches(html, "(?:src|href)=\"(/[^\"]*)\""))
        {
            using var asset = await server.Gateway.Client.GetAsync(match.Groups[1].Value);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{match.Groups[1].Value}: {asset.StatusCode}");
        }
    }
}
