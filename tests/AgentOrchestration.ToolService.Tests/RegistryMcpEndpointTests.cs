using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>The registry's own MCP endpoint, driven by the official C# MCP client.</summary>
[Collection(ToolServiceCollection.Name)]
public sealed class RegistryMcpEndpointTests(ToolServiceFixture fixture)
{
    [Fact]
    public async Task AnMcpClientListsAndCallsTheRegistrysTools()
    {
        await using var client = await ConnectAsync(agent: null);

        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "math.add");
        Assert.Equal("object", tools.First(t => t.Name == "math.add").JsonSchema.GetProperty("type").GetString());

        var result = await client.CallToolAsync("math.add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 });
        Assert.NotEqual(true, result.IsError);
        Assert.Equal("""{"result":5}""", ((TextContentBlock)result.Content[0]).Text);
    }

    [Fact]
    public async Task AnAgentSeesAndCallsOnlyItsOwnTools()
    {
        var agent = await fixture.CreateAgentAsync("echo");
        await using var client = await ConnectAsync(agent);

        var tools = await client.ListToolsAsync();
        Assert.Equal(["find_tools", "echo"], tools.Select(t => t.Name));

        var denied = await client.CallToolAsync("math.add", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 1 });
        Assert.True(denied.IsError);
    }

    [Fact]
    public async Task FindToolsReturnsTheCallersBestMatchingToolsWithTheirSchemas()
    {
        await Relevance.RelevanceSet.WaitUntilIndexedAsync(fixture);
        var agent = await fixture.CreateAgentAsync("math.add", "math.multiply", "echo");
        await using var client = await ConnectAsync(agent);

        var finder = (await client.ListToolsAsync()).Single(t => t.Name == "find_tools");
        Assert.Equal("query", finder.JsonSchema.GetProperty("required")[0].GetString());

        var result = await client.CallToolAsync("find_tools", new Dictionary<string, object?> { ["query"] = "what is six times seven", ["limit"] = 2 });
        Assert.NotEqual(true, result.IsError);
        var found = result.StructuredContent!.Value;
        var tools = found.GetProperty("tools").EnumerateArray().ToList();
        Assert.InRange(tools.Count, 1, 2);
        Assert.Equal("math.multiply", tools[0].GetProperty("name").GetString());
        Assert.Equal("object", tools[0].GetProperty("inputSchema").GetProperty("type").GetString());
        Assert.Equal("hybrid", found.GetProperty("mode").GetString());

        // Only the caller's own tools: text.upper exists but is not granted to this agent.
        var upper = await client.CallToolAsync("find_tools", new Dictionary<string, object?> { ["query"] = "upper case" });
        Assert.DoesNotContain(upper.StructuredContent!.Value.GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "text.upper");
    }

    [Theory]
    [InlineData("""{}""", "/arguments/query")]
    [InlineData("""{"query":""}""", "/arguments/query")]
    [InlineData("""{"query":"add","limit":0}""", "/arguments/limit")]
    [InlineData("""{"query":"add","limit":1.5}""", "/arguments/limit")]
    [InlineData("""{"query":"add","page":2}""", "/arguments/page")]
    public async Task FindToolsWithBadArgumentsIsAToolErrorNamingTheArgument(string arguments, string pointer)
    {
        await using var client = await ConnectAsync(agent: null);
        var given = JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments)!;
        var result = await client.CallToolAsync("find_tools", given);

        Assert.True(result.IsError);
        Assert.StartsWith(pointer, ((TextContentBlock)result.Content[0]).Text);
    }

    [Fact]
    public async Task AnHttpToolCannotTakeTheFindersName()
    {
        var response = await fixture.Tools.PostAsJsonAsync("/tools", new
        {
            name = "find_tools", kind = "http", inputSchema = new { type = "object" }, http = new { url = "https://api.example.com/x" },
        });
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/name", out _));
    }

    /// <summary>The SDK would throw reading such a POST; the client's mistake is a 4xx problem, never a 500.</summary>
    [Theory]
    [InlineData("text/plain", "{}", 415, "unsupported_media_type")]
    [InlineData("application/json", "", 400, "malformed_json")]
    public async Task APostThatIsNotOneJsonMessageIsTheClientsMistake(string mediaType, string body, int status, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await fixture.Tools.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task BadArgumentsComeBackAsAToolError()
    {
        await using var client = await ConnectAsync(agent: null);
        var result = await client.CallToolAsync("math.add", new Dictionary<string, object?> { ["a"] = "two" });

        Assert.True(result.IsError);
        Assert.Contains("/arguments", ((TextContentBlock)result.Content[0]).Text);
    }

    private async Task<McpClient> ConnectAsync(string? agent)
    {
        var http = fixture.ToolService.CreateClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(http.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = agent is null ? null : new Dictionary<string, string> { ["X-Agent"] = agent },
        }, http, NullLoggerFactory.Instance, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport);
    }
}
