using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.TestServer;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>
/// The web chat in a real browser (Debian's Chromium through Playwright) against the real gateway and the loopback
/// upstream: what a person does and sees, checked against the server's own numbers.
/// </summary>
public sealed class WebChatPageTests(ChromiumBrowser browser) : IClassFixture<ChromiumBrowser>
{
    private static ILocator Prompt(IPage page) => page.GetByLabel("Message", new() { Exact = true });

    private static ILocator Answers(IPage page) => page.Locator("#messages li.message.assistant");

    private static ILocator Questions(IPage page) => page.Locator("#messages li.message.user");

    private static async Task AskAsync(IPage page, string text)
    {
        await Prompt(page).FillAsync(text);
        await Prompt(page).PressAsync("Enter");
    }

    /// <summary>Waits until the page shows the saved answer (its streaming ended and the turn was read back).</summary>
    private static async Task WaitForAnswerAsync(IPage page, int answers)
    {
        await Expect(Answers(page)).ToHaveCountAsync(answers);
        await Expect(Answers(page).Last).Not.ToHaveClassAsync(new Regex("streaming"));
        await Expect(Answers(page).Last).ToHaveAttributeAsync("data-index", new Regex(@"^\d+$"));
    }

    private static List<string> WatchForProblems(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.Dialog += (_, dialog) =>
        {
            problems.Add("dialog: " + dialog.Message);
            _ = dialog.DismissAsync();
        };
        return problems;
    }

    private static string Tokens(JsonNode? value) => value!.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Dollars as the CLI and the page write them: cents from a cent up, else six decimals.</summary>
    private static string Dollars(JsonNode? value)
    {
        decimal cost = value!.GetValue<decimal>();
        return "$" + cost.ToString(cost >= 0.01m ? "0.00##" : "0.0000##", CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task SignIn_WrongKeyThenRightKey_ErrorThenNewChatWithMessageBoxFocused()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.OpenAsync();
        var problems = WatchForProblems(page);

        var keyField = page.GetByLabel("Virtual key");
        await Expect(keyField).ToHaveAttributeAsync("type", "password");
        await keyField.FillAsync("pk-not-a-key");
        await keyField.PressAsync("Enter");
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("not accepted");
        await Expect(Prompt(page)).Not.ToBeVisibleAsync();

        await keyField.FillAsync(key);
        await keyField.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeFocusedAsync();
        Assert.Equal("solid", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Enter");

        await Expect(Prompt(page)).ToBeFocusedAsync();
        Assert.Equal("textarea", await Prompt(page).EvaluateAsync<string>("e => e.tagName.toLowerCase()"));
        await Expect(page.Locator("#key-name")).ToContainTextAsync("alice");
        await Expect(page.Locator("#messages li")).ToHaveCountAsync(0);
        Assert.Equal(key, await page.EvaluateAsync<string>("() => sessionStorage.getItem('parley.key')"));
        Assert.Contains(problems, p => p.Contains("401", StringComparison.Ordinal)); // the refused sign-in's request, nothing else
        Assert.Single(problems);
    }

    [SkippableFact]
    public async Task Send_SlowStream_AnswerArrivesInPartsThenRendersMarkdownWithCopyButton()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.SignInAsync(key);
        var problems = WatchForProblems(page);
        var release = new TaskCompletionSource();
        chat.Upstream.Enqueue(ScriptedResponse.Text("Here is **bold** text.\n\n```js\nconsole.log(1)\n```\n")
            .WithChunks("Here is ", "**bold** text.\n\n", "```js\nconsole.log(1)\n```\n")
            .HoldAfterFirstChunk(release.Task));

        await Prompt(page).PressSequentiallyAsync("line one");
        await Prompt(page).PressAsync("Shift+Enter");
        await Prompt(page).PressSequentiallyAsync("line two");
        await Expect(Questions(page)).ToHaveCountAsync(0); // Shift+Enter did not send
        await Prompt(page).PressAsync("Enter");

        var answer = Answers(page).Last;
        await Expect(answer.Locator(".body")).ToContainTextAsync("Here is");
        Assert.Contains("streaming", await answer.GetAttributeAsync("class") ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("console.log", await answer.Locator(".body").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Stop" })).ToBeVisibleAsync();
        release.SetResult();

        await WaitForAnswerAsync(page, 1);
        Assert.Equal("line one\nline two", await Questions(page).Last.Locator(".body").TextContentAsync());
        Assert.Equal("line one\nline two", chat.Upstream.Requests.Last().Messages[^1].Content);
        await Expect(answer.Locator(".body strong")).ToHaveTextAsync("bold");
        await Expect(answer.Locator(".code-block code")).ToHaveTextAsync("console.log(1)\n");
        var copy = answer.Locator(".code-block").GetByRole(AriaRole.Button, new() { Name = "Copy code" });
        await copy.ClickAsync();
        await Expect(copy).ToHaveTextAsync("Copied");
        Assert.Equal("console.log(1)\n", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        Assert.Empty(problems);
    }

    [SkippableFact]
    public async Task Stop_MidAnswer_PartialAnswerKeptAndMarkedInterrupted()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.SignInAsync(key);
        chat.Upstream.Enqueue(ScriptedResponse.Text("The first part and then much more").WithChunks("The first part", " and then much more").StallAfterChunks(1));

        await AskAsync(page, "Tell me a long story");
        await Expect(Answers(page).Last.Locator(".body")).ToContainTextAsync("The first part");
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();

        await Expect(Answers(page).Last.Locator(".status")).ToHaveTextAsync("interrupted");
        await Expect(Answers(page).Last.Locator(".body")).ToHaveTextAsync("The first part");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Stop" })).ToBeHiddenAsync();
        string id = await WebChat.OpenConversationIdAsync(page);
        var saved = await chat.WaitForAnswerSavedAsync(key, id, 2);
        var last = saved["messages"]!.AsArray()[^1]!;
        Assert.Equal("interrupted", last["status"]!.GetValue<string>());
        Assert.Equal("The first part", last["content"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Regenerate_LastAnswer_AsksTheSameQuestionAgainAndReplacesTheAnswer()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.SignInAsync(key);
        chat.Upstream.Enqueue(ScriptedResponse.Text("First answer"));
        await AskAsync(page, "What is Parley?");
        await WaitForAnswerAsync(page, 1);
        await Expect(Answers(page).Last.Locator(".body")).ToHaveTextAsync("First answer");

        chat.Upstream.Enqueue(ScriptedResponse.Text("Second answer"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Regenerate" }).ClickAsync();

        await Expect(Answers(page).Last.Locator(".body")).ToHaveTextAsync("Second answer");
        await WaitForAnswerAsync(page, 1);
        await Expect(Questions(page)).ToHaveCountAsync(1);
        var sent = chat.Upstream.Requests.Last();
        Assert.Equal(["What is Parley?"], sent.Messages.Where(m => m.Role == "user").Select(m => m.Content));
        Assert.DoesNotContain(sent.Messages, m => m.Content == "First answer");
        var saved = await chat.WaitForAnswerSavedAsync(key, await WebChat.OpenConversationIdAsync(page), 2);
        Assert.Equal(["What is Parley?", "Second answer"], saved["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Edit_EarlierQuestion_AsksAgainFromThereAndDropsWhatFollowed()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.SignInAsync(key);
        await AskAsync(page, "first question");
        await WaitForAnswerAsync(page, 1);
        await AskAsync(page, "second question");
        await WaitForAnswerAsync(page, 2);

        await Questions(page).First.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var editor = page.GetByLabel("Edit question");
        await Expect(editor).ToBeFocusedAsync();
        await editor.FillAsync("changed question");
        await editor.PressAsync("Enter");

        await Expect(Questions(page)).ToHaveCountAsync(1);
        await Expect(Answers(page).Last.Locator(".body")).ToHaveTextAsync("Echo: changed question");
        await WaitForAnswerAsync(page, 1);
        var sent = chat.Upstream.Requests.Last();
        Assert.Equal(["changed question"], sent.Messages.Where(m => m.Role == "user").Select(m => m.Content));
    }

    [SkippableFact]
    public async Task ModelPicker_SwitchModelMidConversation_ShowsWindowAndPriceAndNextRequestsUseIt()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.SignInAsync(key);
        var models = (await chat.GetAsync(key, "/v1/models"))["data"]!.AsArray();
        var priced = models.Where(m => m!["context_window"] is not null && m["pricing"] is not null).ToList();
        Assert.True(priced.Count >= 2, "the loopback upstream lists at least two catalogued models");
        string current = await page.Locator("#model-select").InputValueAsync();
        var from = priced.First(m => m!["id"]!.GetValue<string>() == current)!;
        var others = priced.Where(m => m!["id"]!.GetValue<string>() != current).ToList();
        var target = others.FirstOrDefault(m => m!["context_window"]!.GetValue<long>() != from["context_window"]!.GetValue<long>()) ?? others[0]!;
        string targetId = target["id"]!.GetValue<string>();

        var option = page.Locator($"#model-select option[value='{targetId}']");
        await Expect(option).ToContainTextAsync(Tokens(target["context_window"]) + " tokens");
        string Price(string side) => "$" + target["pricing"]![side]!.GetValue<decimal>().ToString("0.00##", CultureInfo.InvariantCulture);
        await Expect(option).ToContainTextAsync(Price("input") + " in / " + Price("output") + " out per 1M");
        await AskAsync(page, "first with the default model");
        await WaitForAnswerAsync(page, 1);
        Assert.Equal(current, chat.Upstream.Requests.Last().Model);

        await page.GetByLabel("Model").SelectOptionAsync(targetId);
        await Expect(page.Locator("#context-meter")).ToContainTextAsync("/ " + Tokens(target["context_window"]) + " tokens");
        await AskAsync(page, "which model now?");
        await WaitForAnswerAsync(page, 2);

        Assert.Equal(targetId, chat.Upstream.Requests.Last().Model);
        Assert.Equal(["first with the default model", "which model now?"], chat.Upstream.Requests.Last().Messages.Where(m => m.Role == "user").Select(m => m.Content));
        await Expect(page.Locator("#model-select")).ToHaveValueAsync(targetId); // the saved turn did not switch it back
    }

    [SkippableFact]
    public async Task Meters_TypingAndTurns_ShowTheServersContextCostAndBudget()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 2m));
        var page = await chat.SignInAsync(key);
        string model = await page.Locator("#model-select").InputValueAsync();
        JsonObject Body(string text) => new()
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };
        async Task<string> ContextText(string text, string? conversation)
        {
            var (status, json) = await chat.ApiAsync(key, HttpMethod.Post, "/v1/parley/context", Body(text), conversation);
            Assert.True(status == 200, json?.ToJsonString());
            return "Context: " + Tokens(json!["prompt_tokens"]) + " / " + Tokens(json["context_window"]) + " tokens";
        }

        await Prompt(page).PressSequentiallyAsync("how many tokens is this question");
        string typed = await ContextText("how many tokens is this question", null);
        await Expect(page.Locator("#context-meter")).ToHaveTextAsync(typed);
        long typedTokens = long.Parse(await page.Locator("#context-meter").GetAttributeAsync("data-prompt-tokens") ?? "-1", CultureInfo.InvariantCulture);
        await Prompt(page).PressAsync("Enter");
        await WaitForAnswerAsync(page, 1);
        string id = await WebChat.OpenConversationIdAsync(page);

        var saved = await chat.WaitForAnswerSavedAsync(key, id, 2);
        var answer = saved["messages"]!.AsArray()[^1]!;
        Assert.Equal(typedTokens, answer["usage"]!["prompt_tokens"]!.GetValue<long>()); // the meter said what the upstream billed
        await Expect(Answers(page).Last.Locator(".turn-cost")).ToContainTextAsync(Dollars(answer["usage"]!["cost_usd"]));
        await Expect(Answers(page).Last.Locator(".turn-cost")).ToContainTextAsync(Tokens(answer["usage"]!["prompt_tokens"]) + " in");
        await Expect(page.Locator("#cost-meter")).ToHaveTextAsync("Conversation: " + Dollars(saved["usage"]!["cost_usd"]));
        var me = await chat.GetAsync(key, "/v1/parley/me");
        Assert.True(me["budget"]!["daily"]!["spent_usd"]!.GetValue<decimal>() > 0m, me.ToJsonString());
        await Expect(page.Locator("#budget-meter")).ToContainTextAsync(Dollars(me["budget"]!["daily"]!["left_usd"]) + " left today");

        await Prompt(page).PressSequentiallyAsync("how many tokens is this question");
        string next = await ContextText("how many tokens is this question", id);
        Assert.NotEqual(typed, next); // the saved turn is part of the next request now
        await Expect(page.Locator("#context-meter")).ToHaveTextAsync(next);
    }

    [SkippableFact]
    public async Task Reload_AfterAnAnswer_StillSignedInWithTheConversationOpen()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.SignInAsync(key);
        await AskAsync(page, "remember me");
        await WaitForAnswerAsync(page, 1);
        string id = await WebChat.OpenConversationIdAsync(page);

        await page.ReloadAsync();

        await Expect(Questions(page).Last.Locator(".body")).ToHaveTextAsync("remember me");
        await Expect(Answers(page).Last.Locator(".body")).ToHaveTextAsync("Echo: remember me");
        await Expect(page.GetByLabel("Virtual key")).ToBeHiddenAsync();
        await Expect(page.Locator($"#conversation-list .conversation[data-id='{id}']")).ToHaveAttributeAsync("aria-current", "true");
    }

    [SkippableFact]
    public async Task SecondKey_FirstKeysConversation_NeitherListedNorReadable()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string alice = await chat.CreateKeyAsync("alice");
        string bob = await chat.CreateKeyAsync("bob");
        var alicePage = await chat.SignInAsync(alice);
        await AskAsync(alicePage, "alice's secret plan");
        await WaitForAnswerAsync(alicePage, 1);
        string id = await WebChat.OpenConversationIdAsync(alicePage);
        await Expect(alicePage.Locator("#conversation-list .conversation")).ToHaveCountAsync(1);

        var bobPage = await chat.SignInAsync(bob);
        await bobPage.GetByLabel("Search conversations").FillAsync("secret");

        await Expect(bobPage.Locator("#conversation-list .empty")).ToBeVisibleAsync();
        await Expect(bobPage.Locator("#conversation-list .conversation")).ToHaveCountAsync(0);
        await Expect(bobPage.Locator("body")).Not.ToContainTextAsync("secret plan");
        var (status, _) = await chat.ApiAsync(bob, HttpMethod.Get, "/v1/parley/conversations/" + Uri.EscapeDataString(id));
        Assert.Equal(404, status);
        await bobPage.EvaluateAsync("id => sessionStorage.setItem('parley.conversation', id)", id);
        await bobPage.ReloadAsync();
        await Expect(Prompt(bobPage)).ToBeFocusedAsync();
        await Expect(bobPage.Locator("#messages li")).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task HostileOutput_ScriptLinksAndHandlers_StayInertLiveAndAfterReload()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.SignInAsync(key);
        var problems = WatchForProblems(page);
        const string Hostile = """
            Hello <script>window.__pwned = 'script'; alert('script')</script>

            <img src="x" onerror="window.__pwned = 'img'; alert('img')">

            [click me](javascript:window.__pwned='link')

            <a href="javascript:window.__pwned='anchor'" onclick="window.__pwned='onclick'">evil anchor</a>

            <svg onload="window.__pwned='svg'"></svg><iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>

            [a real link](https://example.com/safe)
            """;
        chat.Upstream.Enqueue(ScriptedResponse.Text(Hostile));

        await AskAsync(page, "say something nasty");
        await WaitForAnswerAsync(page, 1);
        await AssertInertAsync(page);
        await page.ReloadAsync();
        await Expect(Answers(page)).ToHaveCountAsync(1);
        await AssertInertAsync(page);
        Assert.Empty(problems);

        static async Task AssertInertAsync(IPage page)
        {
            var body = Answers(page).Last.Locator(".body");
            await Expect(body).ToContainTextAsync("a real link");
            await Expect(body.Locator("script, img, svg, iframe, [onerror], [onclick], [onload]")).ToHaveCountAsync(0);
            var hrefs = await body.Locator("a").EvaluateAllAsync<string?[]>("links => links.map(a => a.getAttribute('href'))");
            Assert.DoesNotContain(hrefs, h => h is not null && h.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase));
            Assert.Contains("https://example.com/safe", hrefs);
            await body.GetByText("click me").ClickAsync();
            await body.GetByText("evil anchor").ClickAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"), "a hostile script ran");
            await Expect(body).ToContainTextAsync("<script>"); // shown as text
        }
    }

    [SkippableFact]
    public async Task ConversationList_NewRenameSearchExportDelete_ActOnTheKeysConversations()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice");
        var page = await chat.SignInAsync(key);
        await AskAsync(page, "alpha question");
        await WaitForAnswerAsync(page, 1);
        string alpha = await WebChat.OpenConversationIdAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await Expect(Prompt(page)).ToBeFocusedAsync();
        await Expect(page.Locator("#messages li")).ToHaveCountAsync(0);
        await AskAsync(page, "beta question");
        await WaitForAnswerAsync(page, 1);
        string beta = await WebChat.OpenConversationIdAsync(page);

        var items = page.Locator("#conversation-list .conversation");
        await Expect(items).ToHaveCountAsync(2);
        Assert.Equal([beta, alpha], await items.EvaluateAllAsync<string[]>("b => b.map(x => x.dataset.id)")); // newest first

        await page.GetByLabel("Conversation title").FillAsync("Renamed beta");
        await page.GetByLabel("Conversation title").PressAsync("Enter");
        await Expect(items.First.Locator(".conversation-title")).ToHaveTextAsync("Renamed beta");
        Assert.Equal("Renamed beta", (await chat.GetAsync(key, "/v1/parley/conversations/" + beta))["title"]!.GetValue<string>());

        await page.GetByLabel("Search conversations").FillAsync("alpha");
        await Expect(items).ToHaveCountAsync(1);
        await Expect(items.First).ToHaveAttributeAsync("data-id", alpha);
        await page.GetByLabel("Search conversations").FillAsync(string.Empty);
        await Expect(items).ToHaveCountAsync(2);

        var markdown = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export Markdown" }).ClickAsync());
        Assert.Contains("beta question", await File.ReadAllTextAsync(await markdown.PathAsync()), StringComparison.Ordinal);
        var json = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export JSON" }).ClickAsync());
        Assert.Contains("beta question", JsonNode.Parse(await File.ReadAllTextAsync(await json.PathAsync()))!.ToJsonString(), StringComparison.Ordinal);

        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(items).ToHaveCountAsync(1);
        await Expect(items.First).ToHaveAttributeAsync("data-id", alpha);
        await Expect(Prompt(page)).ToBeFocusedAsync();
        var (status, _) = await chat.ApiAsync(key, HttpMethod.Get, "/v1/parley/conversations/" + beta);
        Assert.Equal(404, status);
    }

    [SkippableFact]
    public async Task Screenshots_DesktopAndPhoneInLightAndDark_FitTheWidthAndAreSaved()
    {
        await using var chat = await WebChat.StartAsync(browser);
        string key = await chat.CreateKeyAsync("alice", new ApiKeyLimits(DailyUsd: 5m, MonthlyUsd: 50m));
        chat.Upstream.Enqueue(ScriptedResponse.Text("""
            Parley counts **before** sending:

            | Model | Window |
            |---|---:|
            | gpt-4o-mini | 128,000 |

            ```bash
            parley serve --port 8080
            ```
            """));
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);

        var desktop = await chat.SignInAsync(key);
        await desktop.GetByLabel("Model").SelectOptionAsync("gpt-4o-mini"); // a model people know, for the README
        await AskAsync(desktop, "How do I start the gateway?");
        await WaitForAnswerAsync(desktop, 1);
        await Prompt(desktop).PressSequentiallyAsync("And the web chat?");
        await Expect(desktop.Locator("#context-meter")).ToContainTextAsync("tokens");
        string desktopFile = Path.Combine(folder, "web-chat-desktop.png");
        await desktop.ScreenshotAsync(new() { Path = desktopFile });

        var phone = await chat.SignInAsync(key, width: 390, height: 844, phone: true);
        await Expect(phone.Locator("#conversation-list")).ToBeHiddenAsync(); // folded behind a button at phone width
        await phone.GetByRole(AriaRole.Button, new() { Name = "Conversations" }).ClickAsync();
        await phone.Locator("#conversation-list .conversation").First.ClickAsync();
        await Expect(Answers(phone)).ToHaveCountAsync(1);
        await Expect(Answers(phone).Last.Locator("table")).ToBeVisibleAsync();
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at phone width");
        string phoneFile = Path.Combine(folder, "web-chat-phone.png");
        await phone.ScreenshotAsync(new() { Path = phoneFile });

        string light = await phone.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        await phone.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        string dark = await phone.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.NotEqual(light, dark);
        await phone.ScreenshotAsync(new() { Path = Path.Combine(folder, "web-chat-phone-dark.png") });
        Assert.True(new FileInfo(desktopFile).Length > 10_000 && new FileInfo(phoneFile).Length > 10_000);
    }
}
