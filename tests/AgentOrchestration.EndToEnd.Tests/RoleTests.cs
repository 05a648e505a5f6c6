using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>What each role may do through the gateway: admin everything, viewer reads, an agent only its own things.</summary>
[Collection(SystemCollection.Name)]
public sealed class RoleTests(AppHostFixture fixture)
{
    private HttpClient Admin => fixture.Api;

    [Fact]
    public async Task AViewerReadsEverythingAndChangesNothing()
    {
        var viewer = fixture.CreateApiClient(await Admin.CreateViewerKeyAsync());
        var agent = await Admin.RegisterAgentAsync("echo");

        foreach (var path in (string[])["/status", "/agents", $"/agents/{agent}", "/tools?q=echo", "/tools/echo", "/tool-sources", "/tasks"])
        {
            Assert.True((await viewer.GetAsync(path)).StatusCode == HttpStatusCode.OK, path);
        }

        (HttpMethod Method, string Path, object? Body)[] writes =
        [
            (HttpMethod.Post, "/register-agent", new { name = Json.UniqueName("nope") }),
            (HttpMethod.Post, "/agents", new { name = Json.UniqueName("nope") }),
            (HttpMethod.Patch, $"/agents/{agent}", new { description = "changed" }),
            (HttpMethod.Delete, $"/agents/{agent}", null),
            (HttpMethod.Post, "/tools", new { name = "x" }),
            (HttpMethod.Post, "/tools/echo/invoke", new { agent, arguments = new { text = "hi" } }),
            (HttpMethod.Post, "/tool-sources", new { name = "x", url = "http://127.0.0.2:1/mcp" }),
            (HttpMethod.Post, "/execute-task", new { agent, tool = "echo", arguments = new { text = "hi" } }),
            (HttpMethod.Post, "/api-keys", new { name = "more" }),
            (HttpMethod.Post, "/mcp", new { }),
        ];
        foreach (var (method, path, body) in writes)
        {
            var response = await viewer.SendAsync(Keys.Request(method, path, body));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {response.StatusCode}");
            await response.AssertProblemAsync(403, "forbidden");
        }

        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync($"/agents/{agent}")).StatusCode);
    }

    [Fact]
    public async Task AnAgentKeyActsOnlyAsItsOwnAgent()
    {
        var me = await Admin.RegisterAgentWithKeyAsync("echo", "math.add");
        var other = await Admin.RegisterAgentWithKeyAsync("echo");
        var asMe = fixture.CreateApiClient(me.ApiKey);

        // Its own work runs.
        var mine = await asMe.ExecuteAsync($$"""{ "agent": "{{me.Name}}", "tool": "echo", "arguments": { "text": "mine" } }""");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        var myTask = (await mine.ReadJsonAsync()).GetProperty("id").GetGuid();
        var invoked = await asMe.PostAsJsonAsync("/tools/math.add/invoke", new { arguments = new { a = 1, b = 2 } });
        Assert.Equal(3, (await invoked.ReadJsonAsync()).GetProperty("output").GetProperty("result").GetInt32());

        // Acting as another agent is forbidden.
        await (await asMe.ExecuteAsync($$"""{ "agent": "{{other.Name}}", "tool": "echo", "arguments": { "text": "x" } }"""))
            .AssertProblemAsync(403, "agent_mismatch");
        await (await asMe.PostAsJsonAsync("/tools/echo/invoke", new { agent = other.Name, arguments = new { text = "x" } }))
            .AssertProblemAsync(403, "agent_mismatch");

        // Another agent's things do not exist for it.
        var theirs = await Admin.ExecuteAsync($$"""{ "agent": "{{other.Name}}", "tool": "echo", "arguments": { "text": "theirs" } }""");
        var theirTask = (await theirs.ReadJsonAsync()).GetProperty("id").GetGuid();
        await (await asMe.GetAsync($"/tasks/{theirTask}")).AssertProblemAsync(404, "not_found");
        await (await asMe.GetAsync($"/tasks/{theirTask}/logs")).AssertProblemAsync(404, "not_found");
        await (await asMe.GetAsync($"/tasks/{theirTask}/logs/stream")).AssertProblemAsync(404, "not_found");
        await (await asMe.PostAsync($"/tasks/{theirTask}/cancel", null)).AssertProblemAsync(404, "not_found");
        await (await asMe.GetAsync($"/agents/{other.Name}")).AssertProblemAsync(404, "not_found");
        await (await asMe.PostAsync($"/agents/{other.Id}/keys", null)).AssertProblemAsync(404, "not_found");
        await (await asMe.GetAsync("/agents")).AssertProblemAsync(403, "forbidden");

        // Its own things are there, and lists contain only them.
        Assert.Equal(HttpStatusCode.OK, (await asMe.GetAsync($"/tasks/{myTask}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asMe.GetAsync($"/tasks/{myTask}/logs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asMe.GetAsync($"/agents/{me.Name}")).StatusCode);
        var listed = await (await asMe.GetAsync($"/tasks?agent={other.Name}")).ReadJsonAsync();
        Assert.All(listed.GetProperty("items").EnumerateArray(), t => Assert.Equal(me.Name, t.GetProperty("agent").GetString()));
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetGuid() == myTask);

        // Admin-only endpoints stay closed.
        await (await asMe.PostAsJsonAsync("/register-agent", new { name = Json.UniqueName("nope") })).AssertProblemAsync(403, "forbidden");
        await (await asMe.GetAsync("/api-keys")).AssertProblemAsync(403, "forbidden");
    }

    /// <summary>
    /// An agent key's live feed is filtered by the agent's id (the gateway sets it, whatever the query says): it
    /// hears its own task and not another agent's task that ran just before it.
    /// </summary>
    [Fact]
    public async Task AnAgentsLiveFeedCarriesItsOwnTasksOnly()
    {
        var me = await Admin.RegisterAgentWithKeyAsync("echo");
        var other = await Admin.RegisterAgentWithKeyAsync("echo");
        using var asMe = fixture.CreateApiClient(me.ApiKey);
        using var feed = await SseReader.OpenAsync(asMe, $"/logs/stream?agent={other.Name}");

        var theirs = await Admin.ExecuteAsync($$"""{ "agent": "{{other.Name}}", "tool": "echo", "arguments": { "text": "theirs" } }""");
        var theirTask = (await theirs.ReadJsonAsync()).GetProperty("id").GetGuid();
        var mine = await asMe.ExecuteAsync($$"""{ "agent": "{{me.Name}}", "tool": "echo", "arguments": { "text": "mine" } }""");
        var myTask = (await mine.ReadJsonAsync()).GetProperty("id").GetGuid();

        var heard = await feed.ReadUntilAsync(e => SseReader.IsTerminal(e) && e.Data.GetProperty("taskId").GetGuid() == myTask,
            TimeSpan.FromSeconds(30));

        Assert.Contains(heard, e => SseReader.IsTerminal(e) && e.Data.GetProperty("taskId").GetGuid() == myTask);
        Assert.All(heard, e => Assert.Equal(myTask, e.Data.GetProperty("taskId").GetGuid()));
        Assert.NotEqual(theirTask, myTask);
    }
}
