using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AgentOrchestration.EndToEnd.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium against the real system: what a new user does with the browser alone.
/// Each test leaves a screenshot under bin/…/screenshots/.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class DashboardTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private const string Green = "rgb(26, 127, 55)"; // statusColours.succeeded in web/src/components/statusColour.ts

    [Fact]
    public async Task SigningInWithTheAdminKeyShowsTheSystemHealthy()
    {
        await using var browser = await DashboardBrowser.OpenAsync(fixture, output);
        await browser.SignInAsync();
        var page = browser.Page;

        var services = page.GetByRole(AriaRole.Region, new() { Name = "Services and dependencies" });
        foreach (var name in new[] { "agents", "tools", "logging", "postgres", "redis" })
        {
            await Expect(services.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("healthy");
        }

        await Expect(page.GetByLabel("Signed in as")).ToHaveTextAsync("admin");
        await browser.ScreenshotAsync("overview");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task RegisteringAnAgentWithAToolFromThePickerListsIt()
    {
        var name = Json.UniqueName("ui-agent");
        await using var browser = await DashboardBrowser.OpenAsync(fixture, output);
        await browser.SignInAsync();
        var page = browser.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Agents" }).ClickAsync();
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Register an agent" });
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await form.GetByLabel("Description").FillAsync("Registered from the browser test");
        await form.GetByLabel("Search tools").FillAsync("upper");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add text.upper" }).ClickAsync();
        await Expect(form.GetByRole(AriaRole.List, new() { Name = "Chosen tools" })).ToContainTextAsync("text.upper");
        await form.GetByRole(AriaRole.Button, new() { Name = "Register agent" }).ClickAsync();

        await Expect(form.GetByRole(AriaRole.Status)).ToContainTextAsync($"Registered agent {name}");
        await page.GetByLabel("Search agents by name").FillAsync(name);
        var row = page.GetByRole(AriaRole.Table, new() { Name = "Agents" }).GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(row).ToContainTextAsync("text.upper");
        await Expect(row).ToContainTextAsync("active");
        await browser.ScreenshotAsync("agent-registered");
    }

    [Fact]
    public async Task AMisspelledSearchFindsTheToolAndTryItInvokesIt()
    {
        var agent = await RegisterAgentAsync("math.add", "math.multiply");
        await using var browser = await DashboardBrowser.OpenAsync(fixture, output);
        await browser.SignInAsync();
        var page = browser.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Tools" }).ClickAsync();
        await page.GetByLabel("Search tools").FillAsync("ad numbrs");
        var results = page.GetByRole(AriaRole.List, new() { Name = "Tool results" });
        await Expect(results.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("math.add");
        await results.GetByRole(AriaRole.Link, new() { Name = "math.add" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "math.add" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Input schema" })).ToContainTextAsync("number");
        await page.GetByLabel("Run as agent").FillAsync(agent);
        await page.GetByRole(AriaRole.Textbox, new() { Name = "a *" }).FillAsync("2");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "b *" }).FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invoke" }).ClickAsync();

        var result = page.GetByRole(AriaRole.Region, new() { Name = "Invocation result" });
        await Expect(result).ToContainTextAsync("The tool succeeded");
        await Expect(result.GetByLabel("Output")).ToContainTextAsync(ResultFive());
        await browser.ScreenshotAsync("tool-try-it");
    }

    [Fact]
    public async Task TheDiamondTaskTurnsEveryNodeGreenAndFillsTheLogTail()
    {
        var agent = await RegisterAgentAsync("math.add", "math.multiply");
        await using var browser = await DashboardBrowser.OpenAsync(fixture, output);
        await browser.SignInAsync();
        var page = browser.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Tasks" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New task" }).ClickAsync();
        await page.GetByLabel("Agent", new() { Exact = true }).FillAsync(agent);
        await page.GetByLabel("Example").SelectOptionAsync(new SelectOptionValue { Label = "Diamond: a → (b, c) → d" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Load example" }).ClickAsync();
        await Expect(page.GetByLabel("Task validation")).ToHaveTextAsync("Valid task.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run task" }).ClickAsync();

        try
        {
            // Polled, not WaitForURLAsync: that waits for a navigation event, and one that is a client-side route
            // change can slip past it (the page was on the task, succeeded, and the wait still timed out).
            await Expect(page).ToHaveURLAsync(TaskUrl(), new() { Timeout = 90_000 });
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            // Say what the page showed instead (a problem, a spinner, another URL), so a failure can be diagnosed.
            await browser.ScreenshotAsync("diamond-task-not-submitted");
            output.WriteLine($"URL {page.Url}; page text: {await page.Locator("main").InnerTextAsync()}");
            throw;
        }
        foreach (var step in new[] { "a", "b", "c", "d" })
        {
            var node = page.GetByLabel($"Step {step}: succeeded");
            await Expect(node).ToBeVisibleAsync();
            await Expect(node).ToHaveCSSAsync("background-color", Green);
        }

        var log = page.GetByRole(AriaRole.Log, new() { Name = "Log tail" });
        await Expect(log).ToContainTextAsync("task.succeeded");
        // queued, started, a start+end, b and c start+end, d start+end, succeeded: at least 11 lines.
        Assert.True(await log.GetByRole(AriaRole.Listitem).CountAsync() >= 11, await log.InnerTextAsync());
        await Expect(page.GetByText("Log stream: complete")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Task result")).ToHaveTextAsync("133"); // d = (1+2)*10 + (1+2)+100
        await browser.ScreenshotAsync("diamond-task");
    }

    [Fact]
    public async Task RegisteringAnAgentWithAnUnknownToolShowsTheProblemAndItsFieldMessage()
    {
        await using var browser = await DashboardBrowser.OpenAsync(fixture, output);
        await browser.SignInAsync();
        var page = browser.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Agents" }).ClickAsync();
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Register an agent" });
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync(Json.UniqueName("ui-bad"));
        await form.GetByLabel("Search tools").FillAsync("no.such.tool");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add “no.such.tool” as typed" }).ClickAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Register agent" }).ClickAsync();

        var problem = form.GetByRole(AriaRole.Alert);
        await Expect(problem).ToBeVisibleAsync();
        await Expect(problem.GetByRole(AriaRole.List, new() { Name = "Field errors" })).ToContainTextAsync("no.such.tool");
        await Expect(problem.GetByRole(AriaRole.List, new() { Name = "Field errors" })).ToContainTextAsync("/tools");
        await browser.ScreenshotAsync("agent-unknown-tool-problem");
    }

    private async Task<string> RegisterAgentAsync(params string[] tools)
    {
        var name = Json.UniqueName("ui");
        var response = await fixture.Api.RegisterAsync(name, tools);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return name;
    }

    [GeneratedRegex(@"/tasks/[0-9a-f-]{36}$")]
    private static partial Regex TaskUrl();

    [GeneratedRegex(@"""result"":\s*5\b")]
    private static partial Regex ResultFive();
}
