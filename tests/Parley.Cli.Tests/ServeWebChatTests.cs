using System.Globalization;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// The web chat as the shipped binary serves it (CI runs this suite against the NativeAOT build too): its files come
/// from resources embedded in the binary, need no key, and carry the page's Content-Security-Policy.
/// </summary>
public sealed class ServeWebChatTests
{
    [Fact]
    public async Task Serve_PageAndItsFiles_ServedFromTheBinaryWithoutAKeyUnderAStrictPolicy()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.Closed());
        var port = new Uri(LoopbackAddresses.Closed()).Port;
        using var process = parley.Start(["serve", "--port", port.ToString(CultureInfo.InvariantCulture)], redirectStdin: false);
        var stderr = new OutputWatcher(process.StandardError);
        await stderr.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var page = await client.GetAsync("/");
        string html = await page.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Virtual key", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", string.Join(";", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        foreach (var path in new[] { "/app.js", "/app.css", "/vendor/marked.umd.js", "/vendor/purify.min.js" })
        {
            Assert.Contains($"\"{path}\"", html, StringComparison.Ordinal);
            using var asset = await client.GetAsync(path);
            Assert.True(asset.IsSuccessStatusCode, $"{path}: {(int)asset.StatusCode}");
            Assert.NotEmpty(await asset.Content.ReadAsByteArrayAsync());
        }

        Assert.Empty(server.Requests);
        ParleyProcess.Signal(process, 15);
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(0, process.ExitCode);
    }
}
