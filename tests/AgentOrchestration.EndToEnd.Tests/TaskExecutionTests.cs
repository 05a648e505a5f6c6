using System.Net;

namespace AgentOrchestration.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class TaskExecutionTests(AppHostFixture fixture)
{
    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task TheIssuesExampleReturnsFifty()
    {
        var agent = await Api.RegisterAgentAsync("math.add", "math.multiply");
        var response = await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "input": { "city": "Oslo" },
              "steps": [
                { "id": "a", "tool": "math.add", "arguments": { "a": 2, "b": 3 } },
                { "id": "b", "tool": "math.multiply", "arguments": { "a": "{{steps.a.output.result}}", "b": 10 },
                  "dependsOn": ["a"], "timeoutMs": 5000, "retry": { "maxAttempts": 3, "backoffMs": 200 }, "continueOnError": false } ],
              "output": "{{steps.b.output}}", "timeoutMs": 60000 }
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await response.ReadJsonAsync();
        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal(50, task.GetProperty("result").GetProperty("result").GetInt32());
        Assert.Equal(5, task.Step("b").GetProperty("input").GetProperty("a").GetInt32());
        Assert.Equal(32, task.GetProperty("traceId").GetString()!.Length);
        Assert.Equal($"/tasks/{task.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheParallelBranchesOfADiamondOverlapInTime()
    {
        var agent = await Api.RegisterAgentAsync("echo", "sleep");
        var task = await (await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "steps": [
                { "id": "a", "tool": "echo", "arguments": { "text": "go" } },
                { "id": "b", "tool": "sleep", "arguments": { "ms": 2000 }, "dependsOn": ["a"] },
                { "id": "c", "tool": "sleep", "arguments": { "ms": 2000 }, "dependsOn": ["a"] },
                { "id": "d", "tool": "echo", "arguments": { "text": "{{steps.b.status}}+{{steps.c.status}}" }, "dependsOn": ["b", "c"] } ],
              "output": "{{steps.d.output.text}}" }
            """)).ReadJsonAsync();

        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal("succeeded+succeeded", task.GetProperty("result").GetString());
        DateTimeOffset Time(string step, string field) => task.Step(step).GetProperty(field).GetDateTimeOffset();
        Assert.True(Time("b", "startedAt") < Time("c", "finishedAt") && Time("c", "startedAt") < Time("b", "finishedAt"), "b and c did not overlap");
        Assert.True(Time("d", "startedAt") >= Time("b", "finishedAt") && Time("d", "startedAt") >= Time("c", "finishedAt"));
        Assert.True(Time("b", "startedAt") >= Time("a", "finishedAt"));
    }

    [Fact]
    public async Task AFailingStepIsRetriedThenFailsTheTaskAndSkipsItsDependents()
    {
        var agent = await Api.RegisterAgentAsync("echo", "fail");
        var task = await (await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "steps": [
                { "id": "f", "tool": "fail", "arguments": { "message": "boom" }, "retry": { "maxAttempts": 3, "backoffMs": 20 } },
                { "id": "g", "tool": "echo", "arguments": { "text": "never" }, "dependsOn": ["f"] } ] }
            """)).ReadJsonAsync();

        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Equal("failed", task.Step("f").GetProperty("status").GetString());
        Assert.Equal(3, task.Step("f").GetProperty("attempts").GetInt32());
        Assert.Contains("boom", task.Step("f").GetProperty("error").GetString());
        Assert.Equal("skipped", task.Step("g").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ContinueOnErrorLetsDependentsRunAndSeeTheFailure()
    {
        var agent = await Api.RegisterAgentAsync("echo", "fail");
        var task = await (await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "steps": [
                { "id": "f", "tool": "fail", "arguments": { "message": "boom" }, "continueOnError": true },
                { "id": "g", "tool": "echo", "arguments": { "text": "f was {{steps.f.status}}" }, "dependsOn": ["f"] } ] }
            """)).ReadJsonAsync();

        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal("f was failed", task.Step("g").GetProperty("output").GetProperty("text").GetString());
    }

    [Fact]
    public async Task ATaskPastItsDeadlineTimesOutAndItsRunningStepIsCancelled()
    {
        var agent = await Api.RegisterAgentAsync("sleep", "echo");
        var task = await (await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "timeoutMs": 700, "steps": [
                { "id": "slow", "tool": "sleep", "arguments": { "ms": 20000 } },
                { "id": "after", "tool": "echo", "arguments": { "text": "x" }, "dependsOn": ["slow"] } ] }
            """)).ReadJsonAsync();

        Assert.Equal("timed_out", task.GetProperty("status").GetString());
        Assert.Equal("cancelled", task.Step("slow").GetProperty("status").GetString());
        Assert.Equal("skipped", task.Step("after").GetProperty("status").GetString());
        var took = task.GetProperty("finishedAt").GetDateTimeOffset() - task.GetProperty("createdAt").GetDateTimeOffset();
        Assert.True(took < TimeSpan.FromSeconds(15), $"the deadline did not stop the sleep ({took})");
    }

    [Fact]
    public async Task RespondAsyncAnswers202AndCancelStopsTheTask()
    {
        var agent = await Api.RegisterAgentAsync("sleep");
        var accepted = await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "sleep", "arguments": { "ms": 30000 } }""", prefer: "respond-async");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal($"/tasks/{id}", accepted.Headers.Location?.OriginalString);
        await Api.WaitForTaskAsync(id, t => t.GetProperty("status").GetString() == "running");

        Assert.Equal(HttpStatusCode.Accepted, (await Api.PostAsync($"/tasks/{id}/cancel", null)).StatusCode);
        var cancelled = await Api.WaitForTaskAsync(id, TaskClient.IsTerminal, TimeSpan.FromSeconds(20));
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());

        await (await Api.PostAsync($"/tasks/{id}/cancel", null)).AssertProblemAsync(409, "task_finished");
    }

    [Fact]
    public async Task PreferWaitZeroAnswers202AndTheTaskFinishesAnyway()
    {
        var agent = await Api.RegisterAgentAsync("sleep");
        var accepted = await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "sleep", "arguments": { "ms": 300 } }""", prefer: "wait=0");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.ReadJsonAsync()).GetProperty("id").GetGuid();
        var done = await Api.WaitForTaskAsync(id, TaskClient.IsTerminal);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheSameIdempotencyKeyReturnsTheSameTaskAndADifferentBodyIs422()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var key = Guid.NewGuid().ToString();
        var body = $$$"""{ "agent": "{{{agent}}}", "tool": "echo", "arguments": { "text": "once" } }""";

        var first = await (await Api.ExecuteAsync(body, idempotencyKey: key)).ReadJsonAsync();
        var again = await (await Api.ExecuteAsync(body, idempotencyKey: key)).ReadJsonAsync();
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());

        var other = await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "echo", "arguments": { "text": "twice" } }""", idempotencyKey: key);
        await other.AssertProblemAsync(422, "idempotency_key_reused");

        var listed = await (await Api.GetAsync($"/tasks?agent={agent}")).ReadJsonAsync();
        Assert.Single(listed.GetProperty("items").EnumerateArray());
    }

    /// <summary>
    /// respond-async promises 202 at once: also when the task is already finished by the time of the answer (a quick task,
    /// or a client's retry of a submission that has since finished, replayed by its Idempotency-Key).
    /// </summary>
    [Fact]
    public async Task RespondAsyncAlwaysAnswers202EvenForAFinishedTask()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var key = Guid.NewGuid().ToString();
        var body = $$$"""{ "agent": "{{{agent}}}", "tool": "echo", "arguments": { "text": "quick" } }""";

        var finished = await (await Api.ExecuteAsync(body, idempotencyKey: key)).ReadJsonAsync();
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());

        var replay = await Api.ExecuteAsync(body, prefer: "respond-async", idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal($"/tasks/{finished.GetProperty("id").GetGuid()}", replay.Headers.Location?.OriginalString);
        Assert.Equal("succeeded", (await replay.ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task EveryRejectionHasItsStatusAndProblem()
    {
        var agent = await Api.RegisterAgentAsync("echo", "math.add");

        var cycle = await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "steps": [
              { "id": "x", "tool": "echo", "dependsOn": ["y"] }, { "id": "y", "tool": "echo", "dependsOn": ["x"] } ] }
            """);
        var problem = await cycle.AssertProblemAsync(400, "validation_failed");
        Assert.Contains("cycle", problem.GetProperty("errors").GetProperty("/steps")[0].GetString());

        await (await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "echo", "extra": 1 }""")).AssertProblemAsync(400, "validation_failed");
        await (await Api.ExecuteAsync("""{ "agent": "nobody-here", "tool": "echo", "arguments": { "text": "x" } }""")).AssertProblemAsync(404, "not_found");
        var forbidden = await (await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "math.multiply", "arguments": { "a": 1, "b": 2 } }"""))
            .AssertProblemAsync(403, "tool_not_allowed");
        Assert.Equal("math.multiply", forbidden.GetProperty("tools")[0].GetString());
        var badArgs = await (await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "math.add", "arguments": { "a": "two", "b": 2 } }"""))
            .AssertProblemAsync(422, "invalid_arguments");
        Assert.True(badArgs.GetProperty("errors").TryGetProperty("/steps/0/arguments/a", out _));
        await (await Api.ExecuteAsync("{ not json")).AssertProblemAsync(400, "malformed_json");

        var deactivated = await Api.PatchAsync($"/agents/{agent}", new StringContent("""{ "status": "inactive" }""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        // The TaskService hears of the change through the agents:changed notice, moments after the PATCH answered (a
        // task accepted meanwhile is a harmless echo); within seconds, the agent gets no more tasks.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        HttpResponseMessage refused;
        while ((refused = await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "echo", "arguments": { "text": "x" } }""")).StatusCode != HttpStatusCode.Conflict
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await refused.AssertProblemAsync(409, "agent_inactive");
    }

    [Fact]
    public async Task TheTaskSchemaIsPublished()
    {
        var response = await Api.GetAsync("/schemas/task.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var schema = await response.ReadJsonAsync();
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.True(schema.GetProperty("properties").TryGetProperty("steps", out _));
    }

    [Fact]
    public async Task TasksAreListedByAgentAndStatus()
    {
        var agent = await Api.RegisterAgentAsync("echo", "fail");
        await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "echo", "arguments": { "text": "x" } }""");
        await Api.ExecuteAsync($$$"""{ "agent": "{{{agent}}}", "tool": "fail", "arguments": { "message": "x" } }""");

        var failed = await (await Api.GetAsync($"/tasks?agent={agent}&status=failed")).ReadJsonAsync();
        var all = await (await Api.GetAsync($"/tasks?agent={agent}")).ReadJsonAsync();
        Assert.Single(failed.GetProperty("items").EnumerateArray());
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.GetAsync("/tasks?status=sleeping")).StatusCode);
    }
}
