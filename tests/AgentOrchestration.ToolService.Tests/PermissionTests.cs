using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.ToolService.Tests;

[Collection(ToolServiceCollection.Name)]
public sealed class PermissionTests(ToolServiceFixture fixture)
{
    [Fact]
    public async Task UnknownAgentIs404()
    {
        await (await fixture.InvokeAsync("echo", "nobody-at-all", new { text = "x" })).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task UnknownToolIs404()
    {
        var agent = await fixture.CreateAgentAsync("echo");
        await (await fixture.InvokeAsync("no.such.tool", agent, new { })).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task AToolTheAgentDoesNotListIs403NamingIt()
    {
        var agent = await fixture.CreateAgentAsync("echo");
        var problem = await (await fixture.InvokeAsync("math.add", agent, new { a = 1, b = 2 })).AssertProblemAsync(403, "tool_not_allowed");
        Assert.Equal("math.add", problem.GetProperty("tool").GetString());
    }

    [Fact]
    public async Task AnInactiveAgentIs409()
    {
        var agent = await fixture.CreateAgentAsync("echo");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Agents.PatchAsJsonAsync($"/agents/{agent}", new { status = "inactive" })).StatusCode);

        await WaitForAsync(async () => (int)(await fixture.InvokeAsync("echo", agent, new { text = "x" })).StatusCode == 409);
        await (await fixture.InvokeAsync("echo", agent, new { text = "x" })).AssertProblemAsync(409, "agent_inactive");
    }

    [Fact]
    public async Task AMissingAgentIs400()
    {
        var response = await fixture.Tools.PostAsJsonAsync("/tools/echo/invoke", new { arguments = new { text = "x" } });
        await response.AssertProblemAsync(400, "validation_failed");
    }

    /// <summary>
    /// The grant is cached in Redis for a minute; the AgentService's change notice must evict it at once. The bound
    /// is generous for a shared machine but far below the TTL, so a missing eviction still fails.
    /// </summary>
    [Fact]
    public async Task RevokingAToolEvictsTheCachedGrantAtOnce()
    {
        var agent = await fixture.CreateAgentAsync("echo", "math.add");
        Assert.Equal(HttpStatusCode.OK, (await fixture.InvokeAsync("math.add", agent, new { a = 1, b = 1 })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await fixture.Agents.PatchAsJsonAsync($"/agents/{agent}", new { tools = new[] { "echo" } })).StatusCode);

        var revokedAt = DateTime.UtcNow;
        await WaitForAsync(async () => (await fixture.InvokeAsync("math.add", agent, new { a = 1, b = 1 })).StatusCode == HttpStatusCode.Forbidden);
        Assert.True(DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(10), "the cached grant outlived the change");
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(50);
        }
    }
}
