using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentOrchestration.Bench.Load;

namespace AgentOrchestration.Bench.Scenarios;

/// <summary>
/// POST /execute-task, synchronous (the default wait): a success is a 200 whose task succeeded. A 202 (the task did
/// not finish within the wait budget) or any other status of the task counts as an error.
/// </summary>
public abstract class TaskScenario(ScenarioContext context) : RequestScenario(context)
{
    private byte[] _body = [];

    /// <summary>The agent registered for this scenario, with exactly <see cref="Tools"/> granted.</summary>
    protected string Agent { get; private set; } = "";

    protected abstract string[] Tools { get; }

    /// <summary>The task JSON for the agent this scenario registered.</summary>
    protected abstract string TaskJson(string agent);

    /// <summary>Checks the finished task beyond "succeeded" (e.g. the DAG's output); null when right.</summary>
    protected virtual string? CheckOutput(JsonElement task) => null;

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        Agent = await Context.RegisterAgentAsync($"b{Number}", Tools, cancellationToken);
        _body = Encoding.UTF8.GetBytes(TaskJson(Agent));
    }

    protected override async Task<string?> ExecuteAsync(int worker, CancellationToken cancellationToken)
    {
        var (failure, _) = await SubmitAsync(cancellationToken);
        return failure;
    }

    /// <summary>Runs one task; returns the failure (null on success) and the task's id.</summary>
    protected async Task<(string? Failure, Guid TaskId)> SubmitAsync(CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Context.Api.PostAsync("/execute-task", content, cancellationToken);
        if (await HttpClients.FailureOf(response, cancellationToken) is { } failure)
        {
            return (failure, Guid.Empty);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var task = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var status = task.RootElement.GetProperty("status").GetString();
        var id = task.RootElement.GetProperty("id").GetGuid();
        if ((int)response.StatusCode != 200 || status != "succeeded")
        {
            return ($"{(int)response.StatusCode}: task {id} is {status}", id);
        }

        return (CheckOutput(task.RootElement), id);
    }
}

/// <summary>2 — one echo step, synchronous: the durable minimum of a task (stored, leased, run, journalled, answered).</summary>
public sealed class EchoTaskScenario(ScenarioContext context) : TaskScenario(context)
{
    public override int Number => 2;

    public override string Name => "POST /execute-task echo";

    protected override string[] Tools => ["echo"];

    protected override string TaskJson(string agent) =>
        $$"""{ "agent": "{{agent}}", "tool": "echo", "arguments": { "text": "benchmark" } }""";
}

/// <summary>3 — a 5-step diamond a→(b,c,d)→e of builtin tools, synchronous; the output proves the data flowed.</summary>
public sealed class DiamondTaskScenario(ScenarioContext context) : TaskScenario(context)
{
    public override int Number => 3;

    public override string Name => "POST /execute-task 5-step DAG";

    protected override string[] Tools => ["math.add", "math.multiply", "text.upper", "echo"];

    // Three $ signs: {{{agent}}} is interpolated, {{steps…}} stays a literal template for the ApiService.
    protected override string TaskJson(string agent) => $$$"""
        {
          "agent": "{{{agent}}}",
          "steps": [
            { "id": "a", "tool": "math.add", "arguments": { "a": 2, "b": 3 } },
            { "id": "b", "tool": "math.multiply", "arguments": { "a": "{{steps.a.output.result}}", "b": 10 }, "dependsOn": ["a"] },
            { "id": "c", "tool": "text.upper", "arguments": { "text": "diamond" }, "dependsOn": ["a"] },
            { "id": "d", "tool": "echo", "arguments": { "text": "side" }, "dependsOn": ["a"] },
            { "id": "e", "tool": "math.add", "arguments": { "a": "{{steps.b.output.result}}", "b": "{{steps.a.output.result}}" },
              "dependsOn": ["b", "c", "d"] }
          ],
          "output": "{{steps.e.output.result}}"
        }
        """;

    protected override string? CheckOutput(JsonElement task) =>
        task.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Number && result.GetDouble() == 55
            ? null
            : $"wrong DAG result: {(task.TryGetProperty("result", out var r) ? r.GetRawText() : "none")}";
}
