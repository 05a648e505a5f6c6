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
        Assert.Equal(["echo"], tools.Select(t => t.Name));

        var denied = await client.CallToolAsync("math.add", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 1 });
        Assert.True(denied.IsError);
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
