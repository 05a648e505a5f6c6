using AgentOrchestration.TaskService.Tasks.Model;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// Who runs a task when its runner goes away, on a fake clock: a dead replica's lease must lapse before another
/// replica's worker takes the task (counted as a takeover; succeeded steps not run again), a replica that stops on
/// purpose hands its task back at once (not counted), and a task that keeps losing its runner is failed.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class LeaseTakeoverTests(EngineFixture engine)
{
    private const string Chain = """
        { "agent": "a", "steps": [
          { "id": "a", "tool": "echo", "arguments": { "step": "a" } },
          { "id": "b", "tool": "echo", "arguments": { "step": "b" }, "dependsOn": ["a"] } ] }
        """;

    private const string OneStep = """{ "agent": "a", "steps": [ { "id": "a", "tool": "echo", "arguments": { "step": "a" } } ] }""";

    [Fact]
    public async Task ADeadReplicasTaskIsTakenOverOnlyOnceItsLeaseLapsedAndItsSucceededStepIsNotRunAgain()
    {
        var db = await engine.NewDatabaseAsync();
        var clock = new ObservedClock();
        var tool = new ScriptedTool(clock);
        await using var dead = new EngineReplica("replica-a", db, clock, tool);
        var id = await db.AddTaskAsync(Chain, dead.Id, dead.Options.LeaseDuration, clock);
        var inner = tool.Answer;
        tool.Answer = (call, ct) => call is { Step: "b", Replica: "replica-a" } ? ScriptedTool.HangAsync(ct) : inner(call, ct);

        // Replica A dies (as SIGKILL leaves it: no hand-back, no more renewals) while step b runs.
        using var kill = new CancellationTokenSource();
        var run = dead.Runner.RunAsync(id, kill.Token);
        await tool.CalledAsync(2);
        await kill.CancelAsync();
        await run.WaitAsync(Eventually.Limit);
        var orphan = await db.GetAsync(id);
        Assert.Equal(dead.Id, orphan.LeaseOwner);

        await using var heir = new EngineReplica("replica-b", db, clock, tool);
        await heir.Worker.StartAsync(CancellationToken.None);
        // Every poll up to the lease's end finds nothing: each one ends by setting the next idle timer.
        var polls = 1;
        while (clock.GetUtcNow() + heir.IdlePoll <= orphan.LeaseExpiresAt)
        {
            await clock.TimerSetAsync(heir.IdlePoll, polls);
            clock.Advance(heir.IdlePoll);
            polls++;
        }

        await clock.TimerSetAsync(heir.IdlePoll, polls);
        Assert.Equal(dead.Id, (await db.GetAsync(id)).LeaseOwner);
        Assert.Equal(TimeSpan.FromSeconds(10), clock.Elapsed);

        clock.Advance(heir.IdlePoll); // now past the lease's end
        var task = await db.UntilAsync(id, t => TaskStatuses.IsTerminal(t.Status), "finished");

        Assert.Equal(TaskStatuses.Succeeded, task.Status);
        Assert.Equal(1, task.Takeovers);
        Assert.Equal(["replica-a"], tool.Calls.Where(c => c.Step == "a").Select(c => c.Replica));
        Assert.Equal(["replica-a", "replica-b"], tool.Calls.Where(c => c.Step == "b").Select(c => c.Replica));
        Assert.Contains("replica-b", task.Steps.Single(s => s.StepId == "b").Output!.RootElement.GetRawText());
        var events = await db.EventsAsync(id);
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.Seq));
        Assert.Equal(task.LastSeq, events.Count);
        Assert.Single(events, e => e is { Type: "step.succeeded", StepId: "a" });
    }

    [Fact]
    public async Task AReplicaThatStopsHandsItsTaskBackSoAnotherResumesItAtOnceWithoutCountingATakeover()
    {
        var db = await engine.NewDatabaseAsync();
        var clock = new ObservedClock();
        var tool = new ScriptedTool(clock);
        var leaving = new EngineReplica("replica-a", db, clock, tool);
        var id = await db.AddTaskAsync(OneStep, leaseOwner: null, TimeSpan.Zero, clock);
        var inner = tool.Answer;
        tool.Answer = (call, ct) => call.Replica == "replica-a" ? ScriptedTool.HangAsync(ct) : inner(call, ct);

        await leaving.Worker.StartAsync(CancellationToken.None);
        await tool.CalledAsync();
        await leaving.Worker.StopAsync(CancellationToken.None);
        var handedBack = await db.UntilAsync(id, t => t.LeaseOwner is null, "handed back");
        await leaving.DisposeAsync();
        Assert.Equal(TaskStatuses.Running, handedBack.Status);
        Assert.Null(handedBack.LeaseExpiresAt);

        // The clock has not moved: had the lease not been handed back, it would hold for another 10 s.
        await using var heir = new EngineReplica("replica-b", db, clock, tool);
        await heir.Worker.StartAsync(CancellationToken.None);
        var task = await db.UntilAsync(id, t => TaskStatuses.IsTerminal(t.Status), "finished");

        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
        Assert.Equal(TaskStatuses.Succeeded, task.Status);
        Assert.Equal(0, task.Takeovers);
        Assert.Equal(["replica-a", "replica-b"], tool.Calls.Select(c => c.Replica));
    }

    [Fact]
    public async Task ATaskTakenOverMoreThanMaxTakeoversTimesIsFailedWithoutAToolCallAndOneAtTheLimitStillRuns()
    {
        var db = await engine.NewDatabaseAsync();
        var clock = new ObservedClock();
        var tool = new ScriptedTool(clock);
        const int max = 2;
        // Both were left running by a replica that died: their leases lapsed a second ago.
        Action<TaskRecord> orphaned(int takeovers) => t =>
        {
            t.Status = TaskStatuses.Running;
            t.Takeovers = takeovers;
            t.LeaseExpiresAt = clock.GetUtcNow() - TimeSpan.FromSeconds(1);
            t.Steps[0].Status = StepStatuses.Running;
            t.Steps[0].Attempts = 1;
        };
        var atLimit = await db.AddTaskAsync(OneStep, "dead", TimeSpan.Zero, clock, orphaned(max - 1));
        var pastLimit = await db.AddTaskAsync(OneStep, "dead", TimeSpan.Zero, clock, orphaned(max));

        await using var heir = new EngineReplica("replica-b", db, clock, tool, o => o.MaxTakeovers = max);
        await heir.Worker.StartAsync(CancellationToken.None);
        var runs = await db.UntilAsync(atLimit, t => TaskStatuses.IsTerminal(t.Status), "finished");
        var fails = await db.UntilAsync(pastLimit, t => TaskStatuses.IsTerminal(t.Status), "finished");

        Assert.Equal(TaskStatuses.Succeeded, runs.Status);
        Assert.Equal(max, runs.Takeovers);
        Assert.Equal(TaskStatuses.Failed, fails.Status);
        Assert.Equal(max + 1, fails.Takeovers);
        Assert.Contains("lost its runner 3 times", fails.Error);
        Assert.Equal(StepStatuses.Failed, fails.Steps[0].Status);
        Assert.Single(tool.Calls); // the task at the limit's only
        Assert.Equal("task.failed", (await db.EventTypesAsync(pastLimit)).Last());
    }
}
