using AgentOrchestration.TaskService.Tasks.Model;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// A change that is followed at once by another (task started + first step started; step done + the next step's
/// start or the task's end) is committed with it, one commit instead of two; a change nothing follows at once is
/// committed at once, so nothing waits longer to become durable than it would without deferring.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class DeferredWriteTests(EngineFixture engine)
{
    [Fact]
    public async Task BackToBackChangesOfAChainShareOneCommitEach()
    {
        var db = await engine.NewDatabaseAsync();
        var clock = new ObservedClock();
        await using var replica = new EngineReplica("replica-a", db, clock, new ScriptedTool(clock));
        var id = await db.AddTaskAsync("""
            { "agent": "a", "steps": [
              { "id": "a", "tool": "echo", "arguments": { "step": "a" } },
              { "id": "b", "tool": "echo", "arguments": { "step": "b" }, "dependsOn": ["a"] } ] }
            """, replica.Id, replica.Options.LeaseDuration, clock);

        await replica.Runner.RunAsync(id, CancellationToken.None);

        var commits = (await db.EventsAsync(id)).GroupBy(e => e.Transaction)
            .Select(c => string.Join(" + ", c.Select(e => e.StepId is null ? e.Type : $"{e.Type} {e.StepId}")));
        Assert.Equal(
        [
            "task.started + step.started a",
            "step.succeeded a + step.started b",
            "step.succeeded b + task.succeeded",
        ], commits);
        Assert.Equal(TaskStatuses.Succeeded, (await db.GetAsync(id)).Status);
    }

    [Fact]
    public async Task AStepThatEndsWhileAnotherStillRunsIsDurableAtOnce()
    {
        var db = await engine.NewDatabaseAsync();
        var clock = new ObservedClock();
        var tool = new ScriptedTool(clock);
        await using var replica = new EngineReplica("replica-a", db, clock, tool);
        var id = await db.AddTaskAsync("""
            { "agent": "a", "steps": [
              { "id": "fast", "tool": "echo", "arguments": { "step": "fast" } },
              { "id": "slow", "tool": "echo", "arguments": { "step": "slow" } },
              { "id": "last", "tool": "echo", "arguments": { "step": "last" }, "dependsOn": ["fast", "slow"] } ] }
            """, replica.Id, replica.Options.LeaseDuration, clock);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = tool.Answer;
        tool.Answer = async (call, ct) =>
        {
            if (call.Step == "slow")
            {
                await release.Task.WaitAsync(ct);
            }

            return await inner(call, ct);
        };

        var run = replica.Runner.RunAsync(id, CancellationToken.None);
        // Nothing starts after "fast" (its dependent also waits for "slow"): its end must not wait for "slow".
        var task = await db.UntilAsync(id, t => t.Steps.Single(s => s.StepId == "fast").Status == StepStatuses.Succeeded, "fast durable");
        Assert.Equal(StepStatuses.Running, task.Steps.Single(s => s.StepId == "slow").Status);
        Assert.Contains(await db.EventsAsync(id), e => e is { Type: "step.succeeded", StepId: "fast" });

        release.SetResult();
        await run.WaitAsync(Eventually.Limit);
        Assert.Equal(TaskStatuses.Succeeded, (await db.GetAsync(id)).Status);
    }
}
