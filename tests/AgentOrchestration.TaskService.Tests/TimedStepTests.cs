using AgentOrchestration.TaskService.Tasks.Model;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// What the engine does when time passes, on a fake clock the test moves only once the engine has set the timer it
/// waits on: retry backoff, a step's timeout, the task's deadline, and a cancel noticed by the lease heartbeat.
/// A wait on the system clock instead never sets the timer, and the test fails rather than pass by luck.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class TimedStepTests(EngineFixture engine)
{
    [Fact]
    public async Task ARetryWaitsItsBackoffOnTheClockDoublingEachTime()
    {
        var (db, clock, tool, replica) = await StartAsync();
        await using var _ = replica;
        var id = await db.AddTaskAsync("""
            { "agent": "a", "steps": [ { "id": "a", "tool": "echo", "arguments": { "step": "a" }, "retry": { "maxAttempts": 3, "backoffMs": 1000 } } ] }
            """, replica.Id, replica.Options.LeaseDuration, clock);
        var inner = tool.Answer;
        tool.Answer = (call, ct) => call.Attempt < 3 ? Task.FromResult(ScriptedTool.Failed(retryable: true)) : inner(call, ct);

        var run = replica.Runner.RunAsync(id, CancellationToken.None);
        await clock.TimerSetAsync(TimeSpan.FromSeconds(1));
        Assert.Single(tool.Calls);
        clock.Advance(TimeSpan.FromSeconds(1));
        await clock.TimerSetAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(2, tool.Calls.Count);
        clock.Advance(TimeSpan.FromSeconds(2));
        await run.WaitAsync(Eventually.Limit);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)], tool.Calls.Select(c => c.At));
        var task = await db.GetAsync(id);
        Assert.Equal(TaskStatuses.Succeeded, task.Status);
        Assert.Equal(3, task.Steps[0].Attempts);
        Assert.Equal(2, (await db.EventTypesAsync(id)).Count(t => t == "step.retrying"));
    }

    [Fact]
    public async Task AStepThatOutlivesItsTimeoutOnTheClockFailsThatAttemptAndItsRetryRuns()
    {
        var (db, clock, tool, replica) = await StartAsync();
        await using var _ = replica;
        var id = await db.AddTaskAsync("""
            { "agent": "a", "steps": [ { "id": "a", "tool": "echo", "arguments": { "step": "a" }, "timeoutMs": 2000, "retry": { "maxAttempts": 2, "backoffMs": 0 } } ] }
            """, replica.Id, replica.Options.LeaseDuration, clock);
        var inner = tool.Answer;
        tool.Answer = (call, ct) => call.Attempt == 1 ? ScriptedTool.HangAsync(ct) : inner(call, ct);

        var run = replica.Runner.RunAsync(id, CancellationToken.None);
        await tool.CalledAsync();
        await clock.TimerSetAsync(TimeSpan.FromSeconds(2));
        clock.Advance(TimeSpan.FromSeconds(2));
        await run.WaitAsync(Eventually.Limit);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2)], tool.Calls.Select(c => c.At));
        var task = await db.GetAsync(id);
        Assert.Equal(TaskStatuses.Succeeded, task.Status);
        Assert.Equal(2, task.Steps[0].Attempts);
    }

    [Fact]
    public async Task ATaskPastItsDeadlineOnTheClockStopsItsRunningStepAndSkipsTheRest()
    {
        var (db, clock, tool, replica) = await StartAsync();
        await using var _ = replica;
        var id = await db.AddTaskAsync("""
            { "agent": "a", "timeoutMs": 5000, "steps": [
              { "id": "a", "tool": "echo", "arguments": { "step": "a" } },
              { "id": "b", "tool": "echo", "arguments": { "step": "b" }, "dependsOn": ["a"] } ] }
            """, replica.Id, replica.Options.LeaseDuration, clock);
        tool.Answer = (_, ct) => ScriptedTool.HangAsync(ct);

        var run = replica.Runner.RunAsync(id, CancellationToken.None);
        await clock.TimerSetAsync(TimeSpan.FromSeconds(5));
        await tool.CalledAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        await run.WaitAsync(Eventually.Limit);

        var task = await db.GetAsync(id);
        Assert.Equal(TaskStatuses.TimedOut, task.Status);
        Assert.Equal(ObservedClock.Epoch + TimeSpan.FromSeconds(5), task.FinishedAt);
        Assert.Equal(StepStatuses.Cancelled, task.Steps.Single(s => s.StepId == "a").Status);
        Assert.Equal(StepStatuses.Skipped, task.Steps.Single(s => s.StepId == "b").Status);
        Assert.Equal(["a"], tool.Calls.Select(c => c.Step));
        Assert.Equal("task.timed_out", (await db.EventTypesAsync(id)).Last());
    }

    [Fact]
    public async Task ACancelCommittedElsewhereIsNoticedByTheNextHeartbeatAndStopsTheTask()
    {
        var (db, clock, tool, replica) = await StartAsync();
        await using var _ = replica;
        var id = await db.AddTaskAsync("""
            { "agent": "a", "steps": [
              { "id": "a", "tool": "echo", "arguments": { "step": "a" } },
              { "id": "b", "tool": "echo", "arguments": { "step": "b" }, "dependsOn": ["a"] } ] }
            """, replica.Id, replica.Options.LeaseDuration, clock);
        var callCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tool.Answer = async (_, ct) =>
        {
            await using var registration = ct.Register(() => callCancelled.TrySetResult());
            return await ScriptedTool.HangAsync(ct);
        };

        var run = replica.Runner.RunAsync(id, CancellationToken.None);
        await tool.CalledAsync();
        // The cancel arrived at another replica, and its Redis notice was lost: only the database knows.
        await db.UpdateAsync(id, s => s.SetProperty(t => t.CancelRequested, true));
        await clock.TimerSetAsync(replica.Heartbeat);
        clock.Advance(replica.Heartbeat);
        await callCancelled.Task.WaitAsync(Eventually.Limit);
        await run.WaitAsync(Eventually.Limit);

        var task = await db.GetAsync(id);
        Assert.Equal(TaskStatuses.Cancelled, task.Status);
        Assert.Equal(StepStatuses.Cancelled, task.Steps.Single(s => s.StepId == "a").Status);
        Assert.Equal(StepStatuses.Skipped, task.Steps.Single(s => s.StepId == "b").Status);
        Assert.Null(task.LeaseOwner);
        Assert.Equal("task.cancelled", (await db.EventTypesAsync(id)).Last());
    }

    [Fact]
    public async Task ACancelOnTheReplicaThatRunsTheTaskStopsItWithoutWaitingForTheClock()
    {
        var (db, clock, tool, replica) = await StartAsync();
        await using var _ = replica;
        var id = await db.AddTaskAsync("""{ "agent": "a", "steps": [ { "id": "a", "tool": "echo", "arguments": { "step": "a" } } ] }""",
            replica.Id, replica.Options.LeaseDuration, clock);
        tool.Answer = (_, ct) => ScriptedTool.HangAsync(ct);

        var run = replica.Runner.RunAsync(id, CancellationToken.None);
        await tool.CalledAsync();
        Assert.True(replica.Signals.Cancel(id));
        await run.WaitAsync(Eventually.Limit);

        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
        Assert.Equal(TaskStatuses.Cancelled, (await db.GetAsync(id)).Status);
        Assert.False(replica.Signals.IsRunningHere(id));
    }

    private async Task<(EngineDatabase, ObservedClock, ScriptedTool, EngineReplica)> StartAsync()
    {
        var db = await engine.NewDatabaseAsync();
        var clock = new ObservedClock();
        var tool = new ScriptedTool(clock);
        return (db, clock, tool, new EngineReplica("replica-a", db, clock, tool));
    }
}
