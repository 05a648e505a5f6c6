using System.Net;
using System.Net.Http.Json;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.EndToEnd.Tests.Faults;

/// <summary>
/// Faults of a tool, through the gateway against a real HTTP server: one that hangs and one that answers 503 twice
/// before 200. No infrastructure is disturbed, so these use the shared system.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ToolFaultTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly TestHttpServer _server = new();

    private HttpClient Api => fixture.Api;

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    /// <summary>
    /// Acknowledged: one task. Proven: it ends (failed) within bounds, its step failed with a timeout error after the call
    /// reached the server (the step timeout of 10 s leaves a cold ToolService time to make the call; the server hangs 30 s).
    /// </summary>
    [Fact]
    public async Task AHangingToolTimesOutItsStepAndTheTaskEnds()
    {
        var key = Guid.NewGuid().ToString("N");
        var tool = await RegisterHttpToolAsync($"/hang/{key}", timeoutMs: 20000);
        var agent = await FaultKit.RegisterAgentAsync(Api, tool);

        var id = await FaultKit.SubmitAsync(Api, $$"""
            { "agent": "{{agent}}", "steps": [
                { "id": "hang", "tool": "{{tool}}", "arguments": {}, "timeoutMs": 10000, "retry": { "maxAttempts": 1 } } ] }
            """);
        var done = (await FaultKit.WaitForAllTerminalAsync(Api, [id], TimeSpan.FromSeconds(45)))[id];

        Assert.Equal("failed", done.GetProperty("status").GetString());
        var step = done.Step("hang");
        Assert.Equal("failed", step.GetProperty("status").GetString());
        Assert.Equal(1, step.GetProperty("attempts").GetInt32());
        Assert.Equal("The step did not finish within its timeout of 10000 ms.", step.GetProperty("error").GetString());
        Assert.Equal(1, _server.CallsTo(key));
    }

    /// <summary>Invoked directly: the result says attempt 3 succeeded, and the server saw exactly 3 calls.</summary>
    [Fact]
    public async Task AToolAnswering503TwiceThen200SucceedsOnAttemptThree()
    {
        var key = Guid.NewGuid().ToString("N");
        var tool = await RegisterHttpToolAsync($"/flaky/{key}", timeoutMs: 5000);
        var agent = await FaultKit.RegisterAgentAsync(Api, tool);

        var result = await (await Api.PostAsJsonAsync($"/tools/{tool}/invoke", new { agent, arguments = new { } })).ReadJsonAsync();

        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal(3, result.GetProperty("attempts").GetInt32());
        Assert.Equal(3, _server.CallsTo(key));
    }

    /// <summary>Acknowledged: one task whose step calls the flaky tool. Proven: the task succeeds after 3 calls to the server.</summary>
    [Fact]
    public async Task ATaskStepOnAToolAnswering503TwiceThen200Succeeds()
    {
        var key = Guid.NewGuid().ToString("N");
        var tool = await RegisterHttpToolAsync($"/flaky/{key}", timeoutMs: 5000);
        var agent = await FaultKit.RegisterAgentAsync(Api, tool);

        var id = await FaultKit.SubmitAsync(Api, $$"""
            { "agent": "{{agent}}", "steps": [ { "id": "flaky", "tool": "{{tool}}", "arguments": {} } ] }
            """);
        var done = (await FaultKit.WaitForAllTerminalAsync(Api, [id], TimeSpan.FromSeconds(30)))[id];

        Assert.True(done.GetProperty("status").GetString() == "succeeded", done.ToString());
        Assert.True(done.Step("flaky").GetProperty("output").GetProperty("ok").GetBoolean());
        Assert.Equal(3, _server.CallsTo(key));
    }

    /// <summary>The flaky tool is declared idempotent: only then may a POST that answered 503 be repeated.</summary>
    private Task<string> RegisterHttpToolAsync(string path, int timeoutMs) =>
        Api.RegisterHttpToolAsync(_server.BaseUrl + path, "fault", timeoutMs, idempotent: true);
}
