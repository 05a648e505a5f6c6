using System.Net;
using System.Net.Http.Json;
using AgentOrchestration.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>The tool registry as users reach it: through the ApiService's one origin.</summary>
[Collection(SystemCollection.Name)]
public sealed class ToolsThroughGatewayTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly EverythingMcpServer _mcpServer = new();

    private HttpClient Api => fixture.Api;

    public Task InitializeAsync() => _mcpServer.InitializeAsync();

    public Task DisposeAsync() => _mcpServer.DisposeAsync();

    [Fact]
    public async Task AMisspelledSearchFindsTheTool()
    {
        var page = await (await Api.GetAsync("/tools?q=ad%20numbrs")).ReadJsonAsync();
        var first = page.GetProperty("items")[0];
        Assert.Equal("math.add", first.GetProperty("name").GetString());
        Assert.True(first.GetProperty("score").GetDouble() > 0);
    }

    [Fact]
    public async Task RegisterAnMcpServerAndCallOneOfItsToolsAsAnAgent()
    {
        var source = $"ev{Guid.NewGuid():N}"[..10];
        var created = await Api.PostAsJsonAsync("/tool-sources", new { name = source, url = _mcpServer.Url });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var agent = Json.UniqueName("mcp-user");
        Assert.Equal(HttpStatusCode.Created, (await Api.PostAsJsonAsync("/register-agent", new { name = agent, tools = new[] { $"{source}.echo" } })).StatusCode);

        var call = await Api.PostAsJsonAsync($"/tools/{source}.echo/invoke", new { agent, arguments = new { message = "through the gateway" } });
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        var result = await call.ReadJsonAsync();
        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Contains("through the gateway", result.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task ProgressNotificationsOfAnMcpToolBecomeStepProgressEvents()
    {
        var source = $"pr{Guid.NewGuid():N}"[..10];
        Assert.Equal(HttpStatusCode.Created, (await Api.PostAsJsonAsync("/tool-sources", new { name = source, url = _mcpServer.Url })).StatusCode);
        var tool = $"{source}.trigger-long-running-operation";
        var agent = await Api.RegisterAgentAsync(tool);

        var task = await (await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "tool": "{{{tool}}}", "arguments": { "duration": 0.4, "steps": 4 } }
            """)).ReadJsonAsync();
        Assert.Equal("succeeded", task.GetProperty("status").GetString());

        var id = task.GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<System.Text.Json.JsonElement> progress;
        do
        {
            await Task.Delay(200);
            var events = await Api.GetFromJsonAsync<List<System.Text.Json.JsonElement>>($"/tasks/{id}/logs");
            progress = events!.Where(e => e.GetProperty("type").GetString() == "step.progress").ToList();
        }
        while (progress.Count < 3 && DateTime.UtcNow < deadline);

        // The last notification may trail the result (see the ToolService test); the others arrive in order.
        var values = progress.Select(e => e.GetProperty("data").GetProperty("progress").GetDouble()).ToList();
        Assert.True(values.Count >= 3, $"expected step.progress events, got {values.Count}");
        Assert.Equal(Enumerable.Range(1, values.Count).Select(i => (double)i), values);
        Assert.All(progress, e => Assert.Equal("main", e.GetProperty("stepId").GetString()));
    }

    [Fact]
    public async Task AnMcpClientPointedAtTheGatewayListsAndCallsTools()
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(Api.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {AppHostFixture.AdminApiKey}" },
        }, new HttpClient(), NullLoggerFactory.Instance, ownsHttpClient: true);
        await using var client = await McpClient.CreateAsync(transport);

        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "math.multiply");

        var result = await client.CallToolAsync("math.multiply", new Dictionary<string, object?> { ["a"] = 5, ["b"] = 10 });
        Assert.Equal("""{"result":50}""", ((TextContentBlock)result.Content[0]).Text);
    }
}
