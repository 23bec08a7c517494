using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Parley.Server.Tests.WebApi;
using Parley.TestServer;

namespace Parley.Web.Tests;

/// <summary>
/// One test's world: the gateway with the real virtual-key gate (in-process on a real socket, like <c>parley serve</c>)
/// in front of a <see cref="LoopbackServer"/> that reports <c>prompt_tokens</c> as OpenAI's tokenizer counts them, and
/// browser pages (each in its own context) signed in to its web chat.
/// </summary>
internal sealed class WebChat : IAsyncDisposable
{
    public const int DesktopWidth = 1280;
    public const int DesktopHeight = 800;

    private readonly ChromiumBrowser _browser;
    private readonly WebChatGateway _server;
    private readonly List<IBrowserContext> _contexts = [];

    private WebChat(ChromiumBrowser browser, WebChatGateway server)
    {
        _browser = browser;
        _server = server;
    }

    public LoopbackServer Upstream => _server.Upstream;

    public Uri BaseAddress => _server.Gateway.BaseAddress;

    public static async Task<WebChat> StartAsync(ChromiumBrowser browser)
    {
        browser.SkipIfUnavailable();
        return new WebChat(browser, await WebChatGateway.StartAsync());
    }

    /// <summary>Creates a virtual key in the gateway's store and returns its secret.</summary>
    public async Task<string> CreateKeyAsync(string name, ApiKeyLimits? limits = null)
    {
        var keys = Assert.IsAssignableFrom<IApiKeyStore>(_server.Gateway.Store);
        string secret = "pk-" + Guid.NewGuid().ToString("N");
        Assert.NotNull(await keys.CreateKeyAsync(name, secret, limits ?? ApiKeyLimits.None));
        return secret;
    }

    /// <summary>A fresh browser context (its own sessionStorage) showing the page, not signed in.</summary>
    public async Task<IPage> OpenAsync(int width = DesktopWidth, int height = DesktopHeight, bool phone = false)
    {
        var context = await _browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = phone,
            HasTouch = phone,
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return page;
    }

    /// <summary>Opens the page and signs in with <paramref name="key"/> the way a person does (type the key, Enter).</summary>
    public async Task<IPage> SignInAsync(string key, int width = DesktopWidth, int height = DesktopHeight, bool phone = false)
    {
        var page = await OpenAsync(width, height, phone);
        await page.GetByLabel("Virtual key").FillAsync(key);
        await page.GetByLabel("Virtual key").PressAsync("Enter");
        await Assertions.Expect(page.GetByLabel("Message", new() { Exact = true })).ToBeFocusedAsync();
        return page;
    }

    /// <summary>Calls the gateway's JSON API with <paramref name="key"/> (what the page uses, seen from the server).</summary>
    public async Task<(int Status, JsonNode? Json)> ApiAsync(string key, HttpMethod method, string path, JsonNode? body = null, string? conversation = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (conversation is not null)
        {
            request.Headers.Add("X-Parley-Conversation", conversation);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _server.Gateway.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>GETs <paramref name="path"/> and asserts 200.</summary>
    public async Task<JsonNode> GetAsync(string key, string path)
    {
        var (status, json) = await ApiAsync(key, HttpMethod.Get, path);
        Assert.True(status == 200, $"GET {path}: {status} {json?.ToJsonString()}");
        return json!;
    }

    /// <summary>The conversation the page has open (its id is kept in sessionStorage).</summary>
    public static async Task<string> OpenConversationIdAsync(IPage page)
    {
        var id = await page.EvaluateAsync<string?>("() => sessionStorage.getItem('parley.conversation')");
        Assert.False(string.IsNullOrEmpty(id), "the page has no saved conversation open");
        return id!;
    }

    /// <summary>Waits until the saved conversation's last message is a settled assistant answer, and returns it.</summary>
    public async Task<JsonNode> WaitForAnswerSavedAsync(string key, string conversationId, int messages)
    {
        JsonNode? last = null;
        for (var i = 0; i < 200; i++)
        {
            var (status, json) = await ApiAsync(key, HttpMethod.Get, "/v1/parley/conversations/" + Uri.EscapeDataString(conversationId));
            if (status == 200 && json!["messages"]!.AsArray() is { Count: var count } list && count >= messages
                && list[^1]!["role"]!.GetValue<string>() == "assistant" && list[^1]!["status"]?.GetValue<string>() != "pending")
            {
                return json;
            }

            last = json;
            await Task.Delay(50);
        }

        throw new TimeoutException($"conversation {conversationId} did not get its answer saved: {last?.ToJsonString()}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        await _server.DisposeAsync();
    }
}
