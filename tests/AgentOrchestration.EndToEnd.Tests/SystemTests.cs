using System.Net;

namespace AgentOrchestration.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class SystemTests(AppHostFixture fixture)
{
    [Fact]
    public async Task StatusReportsEveryServiceAndDependencyHealthy()
    {
        var status = await fixture.WaitForStatusAsync("healthy");

        foreach (var dependency in new[] { "agents", "tools", "tasks", "logging", "postgres", "redis" })
        {
            var entry = status.GetProperty("services").GetProperty(dependency);
            Assert.Equal("healthy", entry.GetProperty("status").GetString());
            Assert.True(entry.GetProperty("latencyMs").GetDouble() >= 0);
        }

        Assert.Equal(9, status.GetProperty("counts").GetProperty("tools").GetProperty("builtin").GetInt32());
    }

    [Theory]
    [InlineData(ResourceNames.AgentService)]
    [InlineData(ResourceNames.ToolService)]
    [InlineData(ResourceNames.TaskService)]
    [InlineData(ResourceNames.ApiService)]
    [InlineData(ResourceNames.LoggingService)]
    public async Task EveryServiceAnswersHealthAndAlive(string service)
    {
        var client = fixture.App.CreateHttpClient(service, "http");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task WebDashboardIsServedAndProxiesTheApiOnTheSameOrigin()
    {
        var web = fixture.App.CreateHttpClient(ResourceNames.Web, "http");

        var page = await web.GetStringAsync("/");
        Assert.Contains("<div id=\"root\">", page);

        web.DefaultRequestHeaders.Authorization = new("Bearer", AppHostFixture.AdminApiKey);
        var status = await web.GetAsync("/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("1.0.0", (await status.ReadJsonAsync()).GetProperty("version").GetString());
    }

    [Fact]
    public async Task OpenApiDocumentAndReferencePageAreServed()
    {
        var document = await fixture.Api.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var paths = (await document.ReadJsonAsync()).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/register-agent", out _));
        Assert.True(paths.TryGetProperty("/status", out _));

        Assert.Equal(HttpStatusCode.OK, (await fixture.Api.GetAsync("/docs")).StatusCode);
    }

    [Fact]
    public async Task UnknownRouteIsAProblemNotABlankPage()
    {
        await (await fixture.Api.GetAsync("/no/such/route")).AssertProblemAsync(404, "not_found");
    }
}
