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
    private readonly NarratingMcpServer _narrator = new();

    private HttpClient Api => fixture.Api;

    public Task InitializeAsync() => Task.WhenAll(_mcpServer.InitializeAsync(), _narrator.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_mcpServer.DisposeAsync(), _narrator.DisposeAsync());

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
        Assert.Equal(HttpStatusCode.Created, (await Api.RegisterAsync(agent, $"{source}.echo")).StatusCode);

        var call = await Api.PostAsJsonAsync($"/tools/{source}.echo/invoke", new { agent, arguments = new { message = "through the gateway" } });
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        var result = await call.ReadJsonAsync();
        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Contains("through the gateway", result.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task ProgressNotificationsOfAnMcpToolBecomeStepProgressEvents()
    {
        var events = await RunMcpToolTaskAsync(_mcpServer.Url, "trigger-long-running-operation", """{ "duration": 0.4, "steps": 4 }""");
        var progress = events.Where(e => e.GetProperty("type").GetString() == "step.progress").ToList();

        Assert.Equal([1.0, 2.0, 3.0, 4.0], progress.Select(e => e.GetProperty("data").GetProperty("progress").GetDouble()));
        Assert.All(progress, e => Assert.Equal("main", e.GetProperty("stepId").GetString()));
        Assert.All(progress, e => Assert.Equal("progress", e.GetProperty("data").GetProperty("kind").GetString()));
    }

    /// <summary>
    /// An MCP tool's log messages (notifications/message) become step.progress events at the matching level, in the
    /// order the tool sent them, between the step's start and its success.
    /// </summary>
    [Fact]
    public async Task LogMessagesOfAnMcpToolBecomeStepProgressEventsAtTheirLevel()
    {
        var events = await RunMcpToolTaskAsync(_narrator.Url, NarratingMcpServer.Tool, """{ "tag": "e2e", "count": 4 }""");
        var logs = events.Where(e => e.GetProperty("type").GetString() == "step.progress"
            && e.GetProperty("data").GetProperty("kind").GetString() == "log").ToList();

        Assert.Equal(["[narrator] e2e line 1", "[narrator] e2e line 2", "[narrator] e2e line 3", "[narrator] e2e line 4"],
            logs.Select(e => e.GetProperty("message").GetString()));
        // info, warning, error, notice as MCP levels; notice folds into info.
        Assert.Equal(["info", "warning", "error", "info"], logs.Select(e => e.GetProperty("level").GetString()));
        Assert.Equal(NarratingMcpServer.Levels, logs.Select(e => e.GetProperty("data").GetProperty("mcpLevel").GetString()));
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.True(types.IndexOf("step.started") < events.IndexOf(logs[0]) && events.IndexOf(logs[^1]) < types.IndexOf("step.succeeded"),
            string.Join(", ", types));
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

    /// <summary>
    /// Registers the MCP server as a fresh source, runs its tool as a one-step task (step "main") of an agent allowed to
    /// use it, asserts the task succeeded and returns the task's stored events once its terminal event is in.
    /// </summary>
    private async Task<List<System.Text.Json.JsonElement>> RunMcpToolTaskAsync(string serverUrl, string remoteTool, string argumentsJson)
    {
        var source = $"mc{Guid.NewGuid():N}"[..10];
        Assert.Equal(HttpStatusCode.Created, (await Api.PostAsJsonAsync("/tool-sources", new { name = source, url = serverUrl })).StatusCode);
        var tool = $"{source}.{remoteTool}";
        var agent = await Api.RegisterAgentAsync(tool);

        var task = await (await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "tool": "{{{tool}}}", "arguments": {{{argumentsJson}}} }
            """)).ReadJsonAsync();
        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        return await Api.WaitForCompleteLogAsync(task.GetProperty("id").GetGuid(), TimeSpan.FromSeconds(30));
    }
}
