using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>
/// The task engine under real work and careless or hostile use (issue 13): steps that take longer than an HTTP
/// client's usual timeouts, a cancel racing the task's end, an Idempotency-Key two callers both chose, a deleted agent's
/// running task, templates that multiply an output, and numbers the published schema accepts in any spelling.
/// Submissions use Prefer: respond-async and poll: the test's own HTTP client has a 10-second attempt timeout.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TaskEngineRobustnessTests(AppHostFixture fixture)
{
    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task StepsOfFifteenAndSixtyFiveSecondsSucceedWithOneAttemptAndOneStart()
    {
        // With every default: no step, tool or client limit below a minute may interfere.
        var agent = await Api.RegisterAgentAsync("sleep");
        var ids = new List<Guid>();
        foreach (var ms in (int[])[15_000, 65_000])
        {
            ids.Add(await SubmitAsync(Api, $$"""{ "agent": "{{agent}}", "tool": "sleep", "arguments": { "ms": {{ms}} } }"""));
        }

        foreach (var (id, ms) in ids.Zip((int[])[15_000, 65_000]))
        {
            var done = await Api.WaitForTaskAsync(id, TaskClient.IsTerminal, TimeSpan.FromSeconds(150));
            Assert.True(done.GetProperty("status").GetString() == "succeeded", done.ToString());
            var step = done.Step("main");
            Assert.Equal(1, step.GetProperty("attempts").GetInt32());
            Assert.Equal(ms, step.GetProperty("output").GetProperty("sleptMs").GetInt32());
            var log = await Api.WaitForCompleteLogAsync(id, TimeSpan.FromSeconds(30));
            Assert.Single(log, e => e.GetProperty("type").GetString() == "step.started");
            Assert.DoesNotContain(log, e => e.GetProperty("type").GetString() == "step.retrying");
        }
    }

    [Fact]
    public async Task EveryAcceptedCancelEndsCancelledAndEveryOtherAnswerSaysTheTaskHadFinished()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var outcomes = new List<(HttpStatusCode Answer, string Final)>();
        for (var i = 0; i < 30; i++)
        {
            var id = await SubmitAsync(Api, $$"""{ "agent": "{{agent}}", "tool": "echo", "arguments": { "text": "race {{i}}" } }""");
            // Spread the cancels over the task's short life, so some land before its end and some after.
            await Task.Delay(i % 10 * 5);
            var cancel = await Api.PostAsync($"/tasks/{id}/cancel", null);
            if (cancel.StatusCode != HttpStatusCode.Accepted)
            {
                await cancel.AssertProblemAsync(409, "task_finished");
            }

            var done = await Api.WaitForTaskAsync(id, TaskClient.IsTerminal, TimeSpan.FromSeconds(30));
            outcomes.Add((cancel.StatusCode, done.GetProperty("status").GetString()!));
        }

        Assert.All(outcomes.Where(o => o.Answer == HttpStatusCode.Accepted), o => Assert.Equal("cancelled", o.Final));
        Assert.All(outcomes.Where(o => o.Answer != HttpStatusCode.Accepted), o => Assert.Equal("succeeded", o.Final));
    }

    [Fact]
    public async Task TwoCallersWithTheSameIdempotencyKeyEachGetTheirOwnTask()
    {
        var first = await Api.RegisterAgentWithKeyAsync("echo");
        var second = await Api.RegisterAgentWithKeyAsync("echo");
        var key = $"shared-{Guid.NewGuid():N}";
        using var firstApi = fixture.CreateApiClient(first.ApiKey);
        using var secondApi = fixture.CreateApiClient(second.ApiKey);

        var a = await SubmitAsync(firstApi, $$"""{ "agent": "{{first.Name}}", "tool": "echo", "arguments": { "text": "a" } }""", key);
        var b = await SubmitAsync(secondApi, $$"""{ "agent": "{{second.Name}}", "tool": "echo", "arguments": { "text": "b" } }""", key);
        var againA = await SubmitAsync(firstApi, $$"""{ "agent": "{{first.Name}}", "tool": "echo", "arguments": { "text": "a" } }""", key);
        var adminsOwn = await SubmitAsync(Api, $$"""{ "agent": "{{first.Name}}", "tool": "echo", "arguments": { "text": "c" } }""", key);

        Assert.NotEqual(a, b);
        Assert.Equal(a, againA);
        Assert.DoesNotContain(adminsOwn, (Guid[])[a, b]);
        var done = await secondApi.WaitForTaskAsync(b, TaskClient.IsTerminal);
        Assert.Equal("b", done.Step("main").GetProperty("output").GetProperty("text").GetString());
    }

    [Fact]
    public async Task DeletingAnAgentCancelsItsRunningTaskAndANewAgentOfThatNameNeverSeesIt()
    {
        var old = await Api.RegisterAgentWithKeyAsync("sleep");
        var id = await SubmitAsync(Api, $$"""{ "agent": "{{old.Name}}", "tool": "sleep", "arguments": { "ms": 120000 } }""");
        await Api.WaitForTaskAsync(id, t => t.Step("main").GetProperty("status").GetString() == "running");

        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync($"/agents/{old.Id}")).StatusCode);
        var done = await Api.WaitForTaskAsync(id, TaskClient.IsTerminal, TimeSpan.FromSeconds(20));

        Assert.Equal("cancelled", done.GetProperty("status").GetString());
        var reborn = await RegisterNamedAgentAsync(old.Name, "sleep");
        using var rebornApi = fixture.CreateApiClient(reborn);
        await (await rebornApi.GetAsync($"/tasks/{id}")).AssertProblemAsync(404, "not_found");
        var listed = await (await rebornApi.GetAsync("/tasks")).ReadJsonAsync();
        Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task TemplatesThatMultiplyAnOutputPastTheLimitFailTheStepOnceAndClearly()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var text = new string('x', 200_000);
        var repeated = string.Concat(Enumerable.Repeat("{{steps.a.output.text}}", 25));
        var id = await SubmitAsync(Api, $$$"""
            { "agent": "{{{agent}}}", "input": { "text": "{{{text}}}" }, "steps": [
                { "id": "a", "tool": "echo", "arguments": { "text": "{{input.text}}" } },
                { "id": "b", "tool": "echo", "arguments": { "text": "{{{repeated}}}" }, "dependsOn": ["a"],
                  "retry": { "maxAttempts": 3, "backoffMs": 10 } } ] }
            """);

        var done = await Api.WaitForTaskAsync(id, TaskClient.IsTerminal, TimeSpan.FromSeconds(60));

        Assert.Equal("failed", done.GetProperty("status").GetString());
        var step = done.Step("b");
        Assert.Equal("failed", step.GetProperty("status").GetString());
        Assert.Equal(1, step.GetProperty("attempts").GetInt32());
        Assert.Contains("Tasks:MaxStepInputBytes", step.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, step.GetProperty("input").ValueKind);
    }

    [Theory]
    [InlineData("""  "timeoutMs": 60000.0, "steps": [ { "id": "s", "tool": "echo", "arguments": { "text": "t" }, "timeoutMs": 500.0e1, "retry": { "maxAttempts": 2.0 } } ] """)]
    [InlineData("""  "timeoutMs": 6e4, "tool": "echo", "arguments": { "text": "t" } """)]
    public async Task IntegersWrittenAsDecimalsAreAccepted(string body)
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var id = await SubmitAsync(Api, $$"""{ "agent": "{{agent}}", {{body}} }""");

        var done = await Api.WaitForTaskAsync(id, TaskClient.IsTerminal);

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/timeoutMs", """ "timeoutMs": 1e400, "tool": "echo", "arguments": {} """)]
    [InlineData("/timeoutMs", """ "timeoutMs": 1e20, "tool": "echo", "arguments": {} """)]
    [InlineData("/steps/0/retry/maxAttempts", """ "steps": [ { "id": "s", "tool": "echo", "retry": { "maxAttempts": 1e400 } } ] """)]
    public async Task NumbersTheSchemaCannotHoldAre400s(string pointer, string body)
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var response = await Api.ExecuteAsync($$"""{ "agent": "{{agent}}", {{body}} }""");

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(pointer, out _), problem.ToString());
    }

    private static async Task<Guid> SubmitAsync(HttpClient api, string json, string? idempotencyKey = null)
    {
        var response = await api.ExecuteAsync(json, prefer: "respond-async", idempotencyKey: idempotencyKey);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private async Task<string> RegisterNamedAgentAsync(string name, params string[] tools) =>
        (await Api.RegisterNamedAgentWithKeyAsync(name, tools)).ApiKey;
}
