using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>Numbers JSON Schema accepts, racing source registrations, and MCP content as real servers send it.</summary>
[Collection(ToolServiceCollection.Name)]
public sealed class HostileNumbersAndSourcesTests(ToolServiceFixture fixture) : IAsyncLifetime
{
    private readonly EverythingMcpServer _everything = new();
    private readonly ChangingMcpServer _changing = new();

    public Task InitializeAsync() => Task.WhenAll(_everything.InitializeAsync(), _changing.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_everything.DisposeAsync(), _changing.DisposeAsync());

    [Theory]
    [InlineData("sleep", """{"ms":1.0}""", """{"sleptMs":1}""")]
    [InlineData("sleep", """{"ms":1e1}""", """{"sleptMs":10}""")]
    [InlineData("math.add", """{"a":2.0,"b":3e0}""", """{"result":5}""")]
    public async Task IntegralDoublesAreIntegers(string tool, string arguments, string expected)
    {
        var agent = await fixture.CreateAgentAsync(tool);

        var result = await (await InvokeRawAsync(tool, agent, arguments)).ReadJsonAsync();

        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal(expected, result.GetProperty("output").GetRawText());
    }

    [Theory]
    [InlineData("math.add", """{"a":1e308,"b":1e308}""")]
    [InlineData("math.multiply", """{"a":1e308,"b":10}""")]
    [InlineData("math.add", """{"a":1e400,"b":1}""")]
    [InlineData("math.multiply", """{"a":-1e400,"b":1}""")]
    public async Task ArithmeticBeyondTheRangeOfADoubleIsAToolError(string tool, string arguments)
    {
        var agent = await fixture.CreateAgentAsync(tool);

        var response = await InvokeRawAsync(tool, agent, arguments);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadJsonAsync();
        Assert.True(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal("number_out_of_range", result.GetProperty("errorCode").GetString());
        Assert.False(result.GetProperty("retryable").GetBoolean());
    }

    [Fact]
    public async Task TheOpenApiDocumentStillCallsTimeoutMsAnInteger()
    {
        var document = await (await fixture.Tools.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        foreach (var request in new[] { "CreateToolRequest", "UpdateToolRequest" })
        {
            var timeout = schemas.GetProperty(request).GetProperty("properties").GetProperty("timeoutMs");
            Assert.Contains("integer", timeout.GetProperty("type").GetRawText());
        }
    }

    [Fact]
    public async Task ConcurrentRegistrationsOfOneSourceNameGiveOne201AndOtherwise409()
    {
        var source = $"race{Guid.NewGuid():N}"[..12];

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _changing.Url })));

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == 201));
        Assert.All(statuses.Where(s => s != 201), s => Assert.Equal(409, s));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await conflict.AssertProblemAsync(409, "source_name_taken");
        }

        Assert.Equal(HttpStatusCode.OK, (await fixture.Tools.GetAsync($"/tools/{source}.alpha")).StatusCode);
    }

    [Fact]
    public async Task ASourceErrorNamesTheHostButNotTheAddressesItResolvedTo()
    {
        var blocked = await fixture.Tools.PostAsJsonAsync("/tool-sources",
            new { name = $"loc{Guid.NewGuid():N}"[..12], url = $"http://localhost:{ServerProcess.FreeTcpPort()}/mcp" });
        var problem = await blocked.AssertProblemAsync(422, "ssrf_blocked");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("'localhost'", detail);
        Assert.DoesNotContain("127.0.0.1", detail);
        Assert.DoesNotContain("::1", detail);

        var port = ServerProcess.FreeTcpPort();
        var refused = await fixture.Tools.PostAsJsonAsync("/tool-sources",
            new { name = $"ref{Guid.NewGuid():N}"[..12], url = $"http://{ServerProcess.ToolHost}:{port}/mcp" });
        var unreachable = await refused.AssertProblemAsync(422, "source_unreachable");
        Assert.Contains($"{ServerProcess.ToolHost}:{port}", unreachable.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnnotatedMcpContentPassesThrough()
    {
        var source = $"ann{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Created, (await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _everything.Url })).StatusCode);
        var tool = $"{source}.get-annotated-message";
        var agent = await fixture.CreateAgentAsync(tool);

        foreach (var messageType in new[] { "error", "success", "debug" })
        {
            var response = await fixture.InvokeAsync(tool, agent, new { messageType, includeImage = true });

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var result = await response.ReadJsonAsync();
            Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
            Assert.Contains("priority", result.GetProperty("output").GetRawText());
        }
    }

    private Task<HttpResponseMessage> InvokeRawAsync(string tool, string agent, string arguments) =>
        fixture.Tools.PostAsync($"/tools/{tool}/invoke",
            new StringContent($$"""{"agent":"{{agent}}","arguments":{{arguments}}}""", Encoding.UTF8, "application/json"));
}
