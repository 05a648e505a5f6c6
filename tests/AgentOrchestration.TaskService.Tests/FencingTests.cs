using AgentOrchestration.TaskService.Tasks.Model;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// A replica that lost its lease without noticing (paused, or cut off from Postgres while another replica took the
/// task) must change nothing when it comes back: every write is fenced by the lease owner and the last seq.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class FencingTests(EngineFixture engine)
{
    private const string Chain = """
        { "agent": "a", "steps": [
          { "id": "a", "tool": "echo", "arguments": { "step": "a" } },
          { "id": "b", "tool": "echo", "arguments": { "step": "b" }, "dependsOn": ["a"] } ] }
        """;

    [Fact]
    public async Task AStaleOwnersWritesAfterATakeoverChangeNothingAndTheNewOwnerFinishesTheTask()
    {
        var db = await engine.NewDatabaseAsync();
        var clock = new ObservedClock();
        var tool = new ScriptedTool(clock);
        await using var stale = new EngineReplica("replica-a", db, clock, tool);
        await using var heir = new EngineReplica("replica-b", db, clock, tool);
        var id = await db.AddTaskAsync(Chain, stale.Id, stale.Options.LeaseDuration, clock);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = tool.Answer;
        tool.Answer = async (call, ct) =>
        {
            if (call.Replica == stale.Id)
            {
                await release.Task; // deaf to the cancel: it does not know it lost the lease
            }

            return await inner(call, ct);
        };

        var staleRun = stale.Runner.RunAsync(id, CancellationToken.None);
        await tool.CalledAsync();
        // Another replica takes the task as its claim would once the lease lapsed.
        await db.UpdateAsync(id, s => s
            .SetProperty(t => t.LeaseOwner, heir.Id)
            .SetProperty(t => t.LeaseExpiresAt, clock.GetUtcNow() + heir.Options.LeaseDuration)
            .SetProperty(t => t.Takeovers, t => t.Takeovers + 1));
        var before = await db.GetAsync(id);
        var eventsBefore = await db.EventsAsync(id);

        // The stale owner's call returns; its step end, the start of b and everything after must be fenced off.
        release.SetResult();
        await staleRun.WaitAsync(Eventually.Limit);

        var after = await db.GetAsync(id);
        Assert.Equal(before.LastSeq, after.LastSeq);
        Assert.Equal(TaskStatuses.Running, after.Status);
        Assert.Equal(heir.Id, after.LeaseOwner);
        Assert.All(after.Steps, s => Assert.Equal(before.Steps.Single(b => b.StepId == s.StepId).Status, s.Status));
        Assert.Null(after.Steps.Single(s => s.StepId == "a").Output);
        Assert.Equal(eventsBefore, await db.EventsAsync(id));
        Assert.DoesNotContain(tool.Calls, c => c is { Step: "b", Replica: "replica-a" });

        await heir.Runner.RunAsync(id, CancellationToken.None);

        var task = await db.GetAsync(id);
        Assert.Equal(TaskStatuses.Succeeded, task.Status);
        Assert.All(task.Steps, s => Assert.Contains("replica-b", s.Output!.RootElement.GetRawText()));
        var events = await db.EventsAsync(id);
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.Seq));
        Assert.Single(events, e => e is { Type: "step.succeeded", StepId: "a" });
        Assert.Single(events, e => e.Type == "task.succeeded");
    }
}
