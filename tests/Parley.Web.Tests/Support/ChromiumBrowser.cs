using Microsoft.Playwright;

namespace Parley.Web.Tests;

/// <summary>
/// Debian's Chromium (<c>apt-get install chromium</c>) driven by Playwright, headless, one browser per test class
/// (each test opens its own context). Playwright's own browser download is never used. Without the browser the tests
/// are skipped with the reason; with <c>PARLEY_REQUIRE_BROWSER=1</c> (CI) they fail instead.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    public const string RequireVariable = "PARLEY_REQUIRE_BROWSER";

    /// <summary>Where Debian installs Chromium; <c>PARLEY_CHROMIUM</c> overrides it.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("PARLEY_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Why the browser cannot run here (null when it can).</summary>
    public string? SkipReason { get; private set; }

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(SkipReason ?? "the browser is not started");

    public async Task InitializeAsync()
    {
        // A loaded machine (2 cores, several test runs) is slow: the web-first assertions wait up to 20 s.
        Assertions.SetDefaultExpectTimeout(20_000);
        if (!File.Exists(ExecutablePath))
        {
            SkipReason = $"{ExecutablePath} does not exist: the web chat's browser tests need Chromium (apt-get install chromium)";
            return;
        }

        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = ["--no-sandbox"], // root in CI containers: Chromium's sandbox needs an unprivileged user
            });
        }
        catch (PlaywrightException ex)
        {
            SkipReason = $"Chromium at {ExecutablePath} could not be started by Playwright: {ex.Message}";
        }
    }

    /// <summary>Skips the calling test when the browser cannot run, or fails it when PARLEY_REQUIRE_BROWSER=1.</summary>
    public void SkipIfUnavailable()
    {
        if (SkipReason is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            Assert.Fail($"{RequireVariable}=1 but {SkipReason}");
        }

        Skip.If(true, SkipReason);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
