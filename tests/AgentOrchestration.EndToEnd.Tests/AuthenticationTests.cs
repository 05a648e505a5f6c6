using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>Every public endpoint needs a key; probes and the API description stay open; services are internal.</summary>
[Collection(SystemCollection.Name)]
public sealed class AuthenticationTests(AppHostFixture fixture)
{
    [Theory]
    [InlineData("GET", "/status")]
    [InlineData("GET", "/me")]
    [InlineData("GET", "/agents")]
    [InlineData("POST", "/register-agent")]
    [InlineData("GET", "/tools?q=add")]
    [InlineData("POST", "/tools/echo/invoke")]
    [InlineData("GET", "/tool-sources")]
    [InlineData("POST", "/execute-task")]
    [InlineData("GET", "/tasks")]
    [InlineData("GET", "/tasks/00000000-0000-0000-0000-000000000001/logs")]
    [InlineData("GET", "/tasks/00000000-0000-0000-0000-000000000001/logs/stream")]
    [InlineData("GET", "/logs/stream")]
    [InlineData("POST", "/mcp")]
    [InlineData("GET", "/api-keys")]
    public async Task WithoutAKeyEveryPublicEndpointAnswers401WithAChallenge(string method, string path)
    {
        var anonymous = fixture.CreateApiClient(anonymous: true);

        var response = await anonymous.SendAsync(Keys.Request(new HttpMethod(method), path, method == "POST" ? new { } : null));

        await response.AssertProblemAsync(401, "unauthorized");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AnUnknownKeyIsRejectedInEitherHeader()
    {
        var bearer = fixture.CreateApiClient("aok_not-a-real-key");
        var response = await bearer.GetAsync("/status");
        await response.AssertProblemAsync(401, "unauthorized");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());

        var header = fixture.CreateApiClient(anonymous: true);
        header.DefaultRequestHeaders.Add("X-Api-Key", "aok_not-a-real-key");
        await (await header.GetAsync("/status")).AssertProblemAsync(401, "unauthorized");

        var admin = fixture.CreateApiClient(anonymous: true);
        admin.DefaultRequestHeaders.Add("X-Api-Key", AppHostFixture.AdminApiKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/status")).StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/openapi/agents.json")]
    [InlineData("/openapi/tools.json")]
    [InlineData("/openapi/tasks.json")]
    [InlineData("/openapi/logging.json")]
    [InlineData("/schemas/task.json")]
    public async Task ProbesAndApiDescriptionsStayOpen(string path)
    {
        var anonymous = fixture.CreateApiClient(anonymous: true);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task MeDescribesTheKey()
    {
        var me = await (await fixture.Api.GetAsync("/me")).ReadJsonAsync();
        Assert.Equal("admin", me.GetProperty("role").GetString());

        var agent = await fixture.Api.RegisterAgentWithKeyAsync("echo");
        var asAgent = await (await fixture.CreateApiClient(agent.ApiKey).GetAsync("/me")).ReadJsonAsync();
        Assert.Equal("agent", asAgent.GetProperty("role").GetString());
        Assert.Equal(agent.Name, asAgent.GetProperty("agentName").GetString());
        Assert.Equal(agent.Id, asAgent.GetProperty("agentId").GetGuid());
    }

    [Theory]
    [InlineData(ResourceNames.AgentService, "/agents")]
    [InlineData(ResourceNames.ToolService, "/tools")]
    [InlineData(ResourceNames.LoggingService, "/logs/stream")]
    public async Task InternalServicesRejectCallsWithoutTheInternalCredential(string service, string path)
    {
        var direct = fixture.App.CreateHttpClient(service, "http");
        direct.DefaultRequestHeaders.Authorization = new("Bearer", AppHostFixture.AdminApiKey);

        await (await direct.GetAsync(path)).AssertProblemAsync(401, "internal_only");
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task ARotatedKeyReplacesTheOldOneAtOnce()
    {
        var agent = await fixture.Api.RegisterAgentWithKeyAsync("echo");
        var old = fixture.CreateApiClient(agent.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/me")).StatusCode);

        // The agent may rotate its own key.
        var rotated = await old.PostAsync($"/agents/{agent.Id}/keys", null);
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var newKey = (await rotated.ReadJsonAsync()).GetProperty("apiKey").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await fixture.CreateApiClient(newKey).GetAsync("/me")).StatusCode);
        // Every gateway replica hears of the rotation over Redis; allow that notice a moment to arrive.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        HttpResponseMessage response;
        while ((response = await old.GetAsync("/me")).StatusCode == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await response.AssertProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task AKeyOverItsRateGets429WithRetryAfter()
    {
        // A plain client: the fixture's clients have a resilience handler that would retry 429s and then open its circuit.
        using var viewer = new HttpClient { BaseAddress = fixture.Api.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", await fixture.Api.CreateViewerKeyAsync());

        // The fixture gives non-admin keys a bucket of 40 refilled at 20/s per replica; 400 at once must overflow it.
        var responses = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => viewer.GetAsync("/me")));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await limited[0].AssertProblemAsync(429, "rate_limited");
    }
}
