using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AgentOrchestration.EndToEnd.Tests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser), one fresh context per test, signed in with
/// the admin key through the real sign-in page. The window is 1280×800, the size the dashboard is built for.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly ITestOutputHelper output;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page, ITestOutputHelper output)
    {
        this.playwright = playwright;
        this.browser = browser;
        this.output = output;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<DashboardBrowser> OpenAsync(AppHostFixture fixture, ITestOutputHelper output)
    {
        // A missing browser is a broken machine, not a reason to skip: scripts/prerequisites.sh --tests installs it.
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (scripts/prerequisites.sh --tests).");

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = fixture.App.GetEndpoint(ResourceNames.Web, "http").ToString().TrimEnd('/'),
            ViewportSize = new() { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();
        // The dev server compiles modules on first request (Monaco is large), so the first visit to a page is slow.
        page.SetDefaultTimeout(90_000);
        // Assertions wait on the system too (a cold first tool call on a busy machine can take seconds): Playwright's 5 s
        // default for expectations made a slow step look like a wrong one.
        Assertions.SetDefaultExpectTimeout(30_000);
        return new DashboardBrowser(playwright, browser, page, output);
    }

    public async Task SignInAsync()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("API key").FillAsync(AppHostFixture.AdminApiKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
    }

    /// <summary>Saves a full-page screenshot as the test's artifact and says where it went.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"Screenshot: {path}");
        Console.WriteLine($"Screenshot: {path}"); // also in the plain `dotnet test` log, where passing tests' output is not shown
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
