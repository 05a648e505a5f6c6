using System.Net;
using System.Net.Http.Json;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>
/// Who is who through the gateway: an agent key acts only as its own agent however another agent is spelled, an agent
/// filter is no oracle, deleted tools leave no grants behind, and of concurrent key rotations exactly one wins.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AgentIdentityThroughGatewayTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly EverythingMcpServer _mcpServer = new();

    private HttpClient Api => fixture.Api;

    public Task InitializeAsync() => _mcpServer.InitializeAsync();

    public Task DisposeAsync() => _mcpServer.DisposeAsync();

    [Fact]
    public async Task AnAgentNamedLikeAnotherAgentsIdCannotExistNorActAsThatAgent()
    {
        var victim = await Api.RegisterAgentWithKeyAsync("echo", "math.add");
        foreach (var name in (string[])[victim.Id.ToString("N"), victim.Id.ToString("D")])
        {
            var registered = await Api.PostAsJsonAsync("/register-agent", new { name, tools = new[] { "echo" } });
            var problem = await registered.AssertProblemAsync(400, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("/name", out _), problem.ToString());
        }

        var attacker = fixture.CreateApiClient((await Api.RegisterAgentWithKeyAsync("echo")).ApiKey);
        foreach (var reference in (string[])[victim.Id.ToString("N"), victim.Id.ToString("D"), victim.Id.ToString("B"), victim.Name])
        {
            Assert.Equal(HttpStatusCode.NotFound, (await attacker.GetAsync($"/agents/{Uri.EscapeDataString(reference)}")).StatusCode);
            var call = await attacker.PostAsJsonAsync("/tools/math.add/invoke", new { agent = reference, arguments = new { a = 1, b = 2 } });
            await call.AssertProblemAsync(403, "agent_mismatch");
            var task = await attacker.ExecuteAsync($$"""{ "agent": "{{reference}}", "steps": [ { "id": "a", "tool": "echo", "arguments": { "text": "x" } } ] }""");
            await task.AssertProblemAsync(403, "agent_mismatch");
        }
    }

    [Fact]
    public async Task AnAgentKeyFiltersToolsOnlyByItselfAndTheAnswerDoesNotTellWhetherOthersExist()
    {
        var other = await Api.RegisterAgentWithKeyAsync("math.add");
        var self = await Api.RegisterAgentWithKeyAsync("echo");
        var client = fixture.CreateApiClient(self.ApiKey);

        var existing = await client.GetAsync($"/tools?agent={other.Name}");
        var missing = await client.GetAsync($"/tools?agent={Json.UniqueName("nobody")}");
        var missingId = await client.GetAsync($"/tools?agent={Guid.NewGuid()}");

        await existing.AssertProblemAsync(403, "agent_mismatch");
        await missing.AssertProblemAsync(403, "agent_mismatch");
        await missingId.AssertProblemAsync(403, "agent_mismatch");
        foreach (var reference in (string[])[self.Name, self.Id.ToString(), self.Id.ToString("N")])
        {
            var own = await (await client.GetAsync($"/tools?agent={reference}")).ReadJsonAsync();
            Assert.Equal(["echo"], own.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        }
    }

    [Fact]
    public async Task DeletingAToolRevokesItSoANewToolOfTheSameNameIsGrantedToNoOne()
    {
        var tool = await Api.RegisterHttpToolAsync($"http://{ServerProcess.ToolHost}:9/never-called", "granted");
        var agent = await Api.RegisterAgentWithKeyAsync("echo", tool);

        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync($"/tools/{tool}")).StatusCode);
        Assert.Equal(["echo"], await ToolsOfAsync(agent.Name));

        var recreated = await Api.PostAsJsonAsync("/tools", new
        {
            name = tool, kind = "http", inputSchema = new { type = "object" }, http = new { url = $"http://{ServerProcess.ToolHost}:9/x", method = "POST" },
        });
        Assert.Equal(HttpStatusCode.Created, recreated.StatusCode);
        var call = await fixture.CreateApiClient(agent.ApiKey).PostAsJsonAsync($"/tools/{tool}/invoke", new { arguments = new { } });
        await call.AssertProblemAsync(403, "tool_not_allowed");
        Assert.Equal(["echo"], await ToolsOfAsync(agent.Name));
    }

    [Fact]
    public async Task DeletingAToolSourceRevokesItsToolsFromEveryAgent()
    {
        var source = $"gr{Guid.NewGuid():N}"[..10];
        Assert.Equal(HttpStatusCode.Created, (await Api.PostAsJsonAsync("/tool-sources", new { name = source, url = _mcpServer.Url })).StatusCode);
        var agent = await Api.RegisterAgentWithKeyAsync($"{source}.echo", "echo", $"{source}.get-sum");

        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync($"/tool-sources/{source}")).StatusCode);

        Assert.Equal(["echo"], await ToolsOfAsync(agent.Name));
    }

    [Fact]
    public async Task OfSixConcurrentRotationsWithTheAgentsKeyExactlyOneWinsAndItsKeyWorks()
    {
        var agent = await Api.RegisterAgentWithKeyAsync("echo");
        var client = fixture.CreateApiClient(agent.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostAsync($"/agents/{agent.Id}/keys", null)));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        // A loser either reached the AgentService (409) or came after the gateway forgot the replaced key (401).
        Assert.All(responses.Where(r => r != winner), r => Assert.Contains(r.StatusCode, (HttpStatusCode[])[HttpStatusCode.Conflict, HttpStatusCode.Unauthorized]));
        var newKey = (await winner.ReadJsonAsync()).GetProperty("apiKey").GetString()!;
        var me = await (await fixture.CreateApiClient(newKey).GetAsync("/me")).ReadJsonAsync();
        Assert.Equal(agent.Id, me.GetProperty("agentId").GetGuid());
    }

    [Fact]
    public async Task AReplayedRegistrationSaysItsKeyIsNotShownAgain()
    {
        var name = Json.UniqueName("replayed");
        var key = Guid.NewGuid().ToString();
        var first = await (await RegisterAsync(name, key)).ReadJsonAsync();
        var replay = await RegisterAsync(name, key);

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        var body = await replay.ReadJsonAsync();
        Assert.Equal(first.GetProperty("id").GetGuid(), body.GetProperty("id").GetGuid());
        Assert.False(body.TryGetProperty("apiKey", out _));
        Assert.Contains($"/agents/{{id}}/keys", body.GetProperty("apiKeyNotice").GetString());
    }

    private Task<HttpResponseMessage> RegisterAsync(string name, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/register-agent") { Content = JsonContent.Create(new { name, tools = new[] { "echo" } }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Api.SendAsync(request);
    }

    private async Task<IEnumerable<string?>> ToolsOfAsync(string agent) =>
        (await (await Api.GetAsync($"/agents/{agent}")).ReadJsonAsync()).GetProperty("tools").EnumerateArray().Select(t => t.GetString()).ToList();
}
