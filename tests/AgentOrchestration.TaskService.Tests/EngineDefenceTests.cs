using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// What the engine does when things go wrong that the ToolService should have prevented, or that no one can: each
/// ends the task once with a clear error; none crashes the run (which would run the step again, forever).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class EngineDefenceTests(EngineFixture engine)
{
    private const string EchoTask = """{ "agent": "a", "tool": "echo", "arguments": { "text": "hi" } }""";

    [Fact]
    public async Task AnOutputPostgresCannotStoreFailsTheStepOnceAndTheTaskEnds()
    {
        var calls = 0;
        var runner = engine.Runner(_ =>
        {
            calls++;
            return Task.FromResult(EngineFixture.Stream("""{"result":{"output":{"text":"a\u0000b"},"isError":false,"durationMs":1,"attempts":1}}""" + "\n"));
        });
        var id = await engine.AddTaskAsync(EchoTask);

        await runner.RunAsync(id, CancellationToken.None);

        var task = await engine.GetAsync(id);
        Assert.Equal(TaskStatuses.Failed, task.Status);
        var step = Assert.Single(task.Steps);
        Assert.Equal(StepStatuses.Failed, step.Status);
        Assert.Equal(1, step.Attempts);
        Assert.Contains("cannot be stored", step.Error);
        Assert.Contains("/text", step.Error);
        Assert.Equal(1, calls);
        Assert.Single(await engine.EventTypesAsync(id), t => t == "step.started");
    }

    [Fact]
    public async Task AnAnswerTheEngineCannotReadFailsTheStepOnceInsteadOfCrashingTheRun()
    {
        var calls = 0;
        var runner = engine.Runner(_ =>
        {
            calls++;
            return Task.FromResult(EngineFixture.Stream("this is not json\n"));
        });
        var id = await engine.AddTaskAsync("""
            { "agent": "a", "steps": [ { "id": "s", "tool": "echo", "arguments": {}, "retry": { "maxAttempts": 3, "backoffMs": 1 } } ] }
            """);

        await runner.RunAsync(id, CancellationToken.None);

        var task = await engine.GetAsync(id);
        Assert.Equal(TaskStatuses.Failed, task.Status);
        Assert.Contains("failed unexpectedly", task.Steps[0].Error);
        Assert.Equal(1, calls); // an unexpected failure is not retried, even with a retry policy
    }

    [Fact]
    public async Task ATaskThatLostItsRunnerTooOftenIsFailedWithoutCallingTheToolAgain()
    {
        var calls = 0;
        var runner = engine.Runner(_ =>
        {
            calls++;
            return Task.FromResult(EngineFixture.Stream("""{"result":{"output":{},"isError":false,"durationMs":1,"attempts":1}}""" + "\n"));
        });
        var id = await engine.AddTaskAsync(EchoTask, t =>
        {
            t.Status = TaskStatuses.Running;
            t.Takeovers = engine.Options.MaxTakeovers + 1;
            t.Steps[0].Status = StepStatuses.Running;
            t.Steps[0].Attempts = 6;
        });

        await runner.RunAsync(id, CancellationToken.None);

        var task = await engine.GetAsync(id);
        Assert.Equal(TaskStatuses.Failed, task.Status);
        Assert.Contains("lost its runner", task.Error);
        Assert.Equal(StepStatuses.Failed, task.Steps[0].Status);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task ACancelAcceptedWhileTheLastStepFinishesEndsTheTaskCancelled()
    {
        Guid id = default;
        var runner = engine.Runner(async _ =>
        {
            // The cancel commits in the database while the step runs, and this runner is never told directly
            // (as when the cancel arrives on another replica): the task's last write must still see it.
            await using var db = engine.NewDb();
            await db.Tasks.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.CancelRequested, true));
            return EngineFixture.Stream("""{"result":{"output":{"ok":true},"isError":false,"durationMs":1,"attempts":1}}""" + "\n");
        });
        id = await engine.AddTaskAsync(EchoTask);

        await runner.RunAsync(id, CancellationToken.None);

        var task = await engine.GetAsync(id);
        Assert.Equal(TaskStatuses.Cancelled, task.Status);
        Assert.Equal("task.cancelled", (await engine.EventTypesAsync(id)).Last());
    }

    [Fact]
    public async Task TheToolIsCalledAsTheTasksAgentIdInOneAttempt()
    {
        JsonElement body = default;
        var runner = engine.Runner(async request =>
        {
            body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync()).RootElement.Clone();
            return EngineFixture.Stream("""{"result":{"output":{},"isError":false,"durationMs":1,"attempts":1}}""" + "\n");
        });
        var agentId = Guid.NewGuid();
        var id = await engine.AddTaskAsync(EchoTask, t => t.AgentId = agentId);

        await runner.RunAsync(id, CancellationToken.None);

        Assert.Equal(agentId.ToString(), body.GetProperty("agent").GetString());
        Assert.True(body.GetProperty("singleAttempt").GetBoolean());
    }

    [Fact]
    public async Task ANonIdempotentFailureIsNotRepeatedUnlessTheStepAsks()
    {
        var calls = 0;
        var runner = engine.Runner(_ =>
        {
            calls++;
            return Task.FromResult(EngineFixture.Stream("""{"result":{"isError":true,"error":"HTTP 503","durationMs":1,"attempts":1,"retryable":false}}""" + "\n"));
        });
        var implicitRetry = await engine.AddTaskAsync(EchoTask);
        await runner.RunAsync(implicitRetry, CancellationToken.None);
        Assert.Equal(1, calls);

        var explicitRetry = await engine.AddTaskAsync("""
            { "agent": "a", "steps": [ { "id": "s", "tool": "echo", "retry": { "maxAttempts": 3, "backoffMs": 1 } } ] }
            """);
        await runner.RunAsync(explicitRetry, CancellationToken.None);
        Assert.Equal(1 + 3, calls);
        Assert.Equal(3, (await engine.GetAsync(explicitRetry)).Steps[0].Attempts);
    }

    [Fact]
    public async Task AFailureTheToolServiceCallsSafeIsRetriedByDefault()
    {
        var calls = 0;
        var runner = engine.Runner(_ => Task.FromResult(++calls < 3
            ? EngineFixture.Stream("""{"result":{"isError":true,"error":"HTTP 503","durationMs":1,"attempts":1,"retryable":true}}""" + "\n")
            : EngineFixture.Stream("""{"result":{"output":{"ok":true},"isError":false,"durationMs":1,"attempts":1}}""" + "\n")));
        var id = await engine.AddTaskAsync(EchoTask);

        await runner.RunAsync(id, CancellationToken.None);

        var task = await engine.GetAsync(id);
        Assert.Equal(TaskStatuses.Succeeded, task.Status);
        Assert.Equal(3, calls);
    }
}

/// <summary>A write Postgres refuses for a reason no repeat heals fails the task once, with the reason, instead of looping.</summary>
[Collection(EngineCollection.Name)]
public sealed class UnstorableWriteTests(EngineFixture engine)
{
    [Fact]
    public async Task AStepResultPostgresRefusesFailsTheTaskOnceWithTheReason()
    {
        var calls = 0;
        // Postgres refuses the step's end (its output), as 22P05 would: the whole one-statement write rolls back.
        await using var refuse = await UnstorableOutputTrigger.CreateAsync(engine);
        await using var services = engine.Services(_ =>
        {
            calls++;
            return Task.FromResult(EngineFixture.Stream($$$"""{"result":{"output":{"{{{refuse.Marker}}}":true},"isError":false,"durationMs":1,"attempts":1}}""" + "\n"));
        }, engine.Options);
        var id = await engine.AddTaskAsync("""{ "agent": "a", "tool": "echo", "arguments": { "text": "hi" } }""");

        await services.GetRequiredService<Tasks.Execution.TaskRunner>().RunAsync(id, CancellationToken.None);

        var task = await engine.GetAsync(id);
        Assert.Equal(TaskStatuses.Failed, task.Status);
        Assert.Contains("22P05", task.Error);
        Assert.Equal(StepStatuses.Failed, task.Steps[0].Status);
        Assert.Null(task.Steps[0].Output);
        Assert.Equal(1, calls);
        var types = await engine.EventTypesAsync(id);
        Assert.Equal("task.failed", types.Last());
        Assert.DoesNotContain("step.succeeded", types);
    }
}
