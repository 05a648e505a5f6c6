using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>Each limit answers with its own clear problem and leaves nothing behind.</summary>
[Collection(SystemCollection.Name)]
public sealed class LimitsTests(AppHostFixture fixture)
{
    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task JsonNestedDeeperThanTheLimitIs400()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var body = $$"""{ "agent": "a", "tool": "echo", "arguments": { "text": {{deep}} } }""";

        var response = await Api.PostAsync("/execute-task", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(400, "malformed_json");
        Assert.Contains("depth", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TooManyStepsOrTooWideAGraphIs400()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var many = string.Join(",", Enumerable.Range(0, 101).Select(i => $$"""{ "id": "s{{i}}", "tool": "echo", "dependsOn": [{{(i == 0 ? "" : $"\"s{i - 1}\"")}}] }"""));
        var tooMany = await (await Api.ExecuteAsync($$"""{ "agent": "{{agent}}", "steps": [{{many}}] }""")).AssertProblemAsync(400, "validation_failed");
        Assert.Contains("at most 100 steps", tooMany.GetProperty("errors").GetProperty("/steps")[0].GetString());

        var wide = string.Join(",", Enumerable.Range(0, 33).Select(i => $$"""{ "id": "w{{i}}", "tool": "echo" }"""));
        var tooWide = await (await Api.ExecuteAsync($$"""{ "agent": "{{agent}}", "steps": [{{wide}}] }""")).AssertProblemAsync(400, "validation_failed");
        Assert.Contains("at most 32 in parallel", tooWide.GetProperty("errors").GetProperty("/steps")[0].GetString());

        var tasks = await (await Api.GetAsync($"/tasks?agent={agent}")).ReadJsonAsync();
        Assert.Empty(tasks.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AnAgentWithTooManyUnfinishedTasksGets429()
    {
        var agent = await Api.RegisterAgentAsync("sleep");
        var sleep = $$"""{ "agent": "{{agent}}", "tool": "sleep", "arguments": { "ms": 20000 } }""";

        // The fixture allows 10 unfinished tasks per agent; these sleep far longer than the test runs.
        var accepted = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            var response = await Api.ExecuteAsync(sleep, prefer: "respond-async");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted.Add((await response.ReadJsonAsync()).GetProperty("id").GetGuid());
        }

        var refused = await Api.ExecuteAsync(sleep, prefer: "respond-async");
        await refused.AssertProblemAsync(429, "too_many_tasks");
        Assert.NotNull(refused.Headers.RetryAfter);

        var listed = await (await Api.GetAsync($"/tasks?agent={agent}")).ReadJsonAsync();
        Assert.Equal(10, listed.GetProperty("items").GetArrayLength());
        foreach (var id in accepted)
        {
            await Api.PostAsync($"/tasks/{id}/cancel", null);
        }
    }

    [Fact]
    public async Task LongStringsAre400NamingTheField()
    {
        var response = await Api.PostAsJsonAsync("/register-agent", new { name = new string('a', 65) });

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/name", out _), problem.ToString());
    }

    [Fact]
    public async Task ToolOutputOverTheLimitIsTruncatedAndFlagged()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var text = new string('x', 300 * 1024);

        var response = await Api.PostAsJsonAsync("/tools/echo/invoke", new { agent, arguments = new { text } });

        var result = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(result.GetProperty("truncated").GetBoolean());
        var output = result.GetProperty("output").GetString()!;
        Assert.True(output.Length is > 200 * 1024 and <= 256 * 1024, $"{output.Length} characters");
        Assert.StartsWith("{\"text\":\"xxx", output);
    }
}
