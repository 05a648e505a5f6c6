using System.Net;
using System.Net.Http.Json;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.ToolService.Tests;

[Collection(ToolServiceCollection.Name)]
public sealed class McpSourceTests(ToolServiceFixture fixture) : IAsyncLifetime
{
    private readonly EverythingMcpServer _everything = new();
    private readonly ChangingMcpServer _changing = new();

    public Task InitializeAsync() => Task.WhenAll(_everything.InitializeAsync(), _changing.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_everything.DisposeAsync(), _changing.DisposeAsync());

    [Fact]
    public async Task TheReferenceServersToolsAreRegisteredAndCallableAsAnAgent()
    {
        var source = SourceName("every");
        var created = await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _everything.Url });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var added = (await created.ReadJsonAsync()).GetProperty("added").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains($"{source}.echo", added);
        Assert.Contains($"{source}.get-sum", added);

        var echo = await (await fixture.Tools.GetAsync($"/tools/{source}.echo")).ReadJsonAsync();
        Assert.Equal("mcp", echo.GetProperty("kind").GetString());
        Assert.Equal("object", echo.GetProperty("inputSchema").GetProperty("type").GetString());

        var agent = await fixture.CreateAgentAsync($"{source}.echo");
        var result = await (await fixture.InvokeAsync($"{source}.echo", agent, new { message = "hello mcp" })).ReadJsonAsync();
        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Contains("hello mcp", result.GetProperty("output").GetRawText());

        var listed = await (await fixture.Tools.GetAsync($"/tool-sources/{source}")).ReadJsonAsync();
        Assert.Equal("healthy", listed.GetProperty("status").GetString());
        Assert.Equal(added.Count, listed.GetProperty("toolCount").GetInt32());
    }

    [Fact]
    public async Task AStreamedInvocationPassesOnTheToolsProgressBeforeTheResult()
    {
        var source = SourceName("prog");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _everything.Url })).StatusCode);
        var tool = $"{source}.trigger-long-running-operation";
        var agent = await fixture.CreateAgentAsync(tool);

        var lines = await fixture.InvokeStreamedAsync(tool, agent, new { duration = 0.4, steps = 4 });

        var progress = lines.Where(l => l.GetProperty("progress").ValueKind == System.Text.Json.JsonValueKind.Object).ToList();
        // Every notification the server sent before its result is passed on, in order, before the result.
        var values = progress.Select(p => p.GetProperty("progress").GetProperty("progress").GetDouble()).ToList();
        Assert.Equal([1.0, 2.0, 3.0, 4.0], values);
        Assert.Equal(4.0, progress[0].GetProperty("progress").GetProperty("total").GetDouble());
        var result = lines[^1].GetProperty("result");
        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
    }

    [Fact]
    public async Task ArgumentsOfAnMcpToolAreCheckedAgainstItsSchema()
    {
        var source = SourceName("every");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _everything.Url })).StatusCode);
        var agent = await fixture.CreateAgentAsync($"{source}.echo");

        await (await fixture.InvokeAsync($"{source}.echo", agent, new { nothing = 1 })).AssertProblemAsync(422, "invalid_arguments");
    }

    [Fact]
    public async Task AListChangedNotificationResyncsTheSource()
    {
        var source = SourceName("chg");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _changing.Url })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Tools.GetAsync($"/tools/{source}.beta")).StatusCode);

        await WaitForAsync(() => Task.FromResult(_changing.ConnectedSessions > 0));
        await _changing.ChangeToolsAsync("alpha", "gamma");

        await WaitForAsync(async () => (await fixture.Tools.GetAsync($"/tools/{source}.gamma")).StatusCode == HttpStatusCode.OK);
        var beta = await (await fixture.Tools.GetAsync($"/tools/{source}.beta")).ReadJsonAsync();
        Assert.False(beta.GetProperty("enabled").GetBoolean());

        var agent = await fixture.CreateAgentAsync($"{source}.beta");
        await (await fixture.InvokeAsync($"{source}.beta", agent, new { x = 1 })).AssertProblemAsync(409, "tool_disabled");
    }

    [Fact]
    public async Task AManualSyncReportsWhatChanged()
    {
        var source = SourceName("sync");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _changing.Url })).StatusCode);
        _changing.ToolNames.Add("delta");

        var sync = await (await fixture.Tools.PostAsync($"/tool-sources/{source}/sync", null)).ReadJsonAsync();

        Assert.Equal([$"{source}.delta"], sync.GetProperty("added").EnumerateArray().Select(t => t.GetString()));
        Assert.Empty(sync.GetProperty("disabled").EnumerateArray());
    }

    [Fact]
    public async Task AnUnreachableSourceIs422AndLeavesNothingBehind()
    {
        var source = SourceName("gone");
        var response = await fixture.Tools.PostAsJsonAsync("/tool-sources",
            new { name = source, url = $"http://{ServerProcess.ToolHost}:{ServerProcess.FreeTcpPort()}/mcp" });

        await response.AssertProblemAsync(422, "source_unreachable");
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Tools.GetAsync($"/tool-sources/{source}")).StatusCode);
    }

    [Fact]
    public async Task DeletingASourceRemovesItsTools()
    {
        var source = SourceName("del");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _changing.Url })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Tools.DeleteAsync($"/tool-sources/{source}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Tools.GetAsync($"/tools/{source}.alpha")).StatusCode);
    }

    private static string SourceName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..12];

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(100);
        }
    }
}
