using System.Diagnostics;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>The claim loop gives one agent at most its share of a replica's slots, so another agent's task starts at once.</summary>
[Collection(EngineCollection.Name)]
public sealed class WorkerFairnessTests(EngineFixture engine)
{
    [Fact]
    public async Task AnAgentFloodingTheQueueLeavesRoomForAnotherAgentsTask()
    {
        await using (var db = engine.NewDb())
        {
            // Only this test's tasks are in the queue.
            await db.Tasks.Where(t => t.Status == TaskStatuses.Queued || t.Status == TaskStatuses.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TaskStatuses.Failed));
        }

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A lease long enough that a stalled renewal on a loaded machine cannot hand a slow task to the worker again.
        var options = new TaskOptions { MaxConcurrentTasks = 4, LeaseDuration = TimeSpan.FromSeconds(10) };
        await using var services = engine.Services(async request =>
        {
            if ((await request.Content!.ReadAsStringAsync()).Contains("slow"))
            {
                await release.Task;
            }

            return EngineFixture.Stream("""{"result":{"output":{},"isError":false,"durationMs":1,"attempts":1}}""" + "\n");
        }, options);
        var flooding = Guid.NewGuid();
        var slow = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            slow.Add(await engine.AddTaskAsync("""{ "agent": "a", "tool": "echo", "arguments": { "text": "slow" } }""", Queue(flooding)));
        }

        var quick = await engine.AddTaskAsync("""{ "agent": "b", "tool": "echo", "arguments": { "text": "quick" } }""", Queue(Guid.NewGuid()));
        var worker = services.GetRequiredService<TaskWorker>();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var clock = Stopwatch.StartNew();
            while ((await engine.GetAsync(quick)).Status != TaskStatuses.Succeeded)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the other agent's task never ran");
                await Task.Delay(50);
            }

            // The flooding agent holds all but the reserve (one of 4), which the other agent's task used; that task's slot
            // is freed just after its row says succeeded, so the count is read once the runner let go.
            while (worker.Slots.Used != 3 && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            Assert.Equal(3, worker.Slots.Used);
            await using var db = engine.NewDb();
            Assert.Equal(7, await db.Tasks.CountAsync(t => slow.Contains(t.Id) && t.Status == TaskStatuses.Queued));
        }
        finally
        {
            release.SetResult();
            await worker.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Queued with no lease, as a task handed back for want of room is.</summary>
    private static Action<TaskRecord> Queue(Guid agentId) => t =>
    {
        t.AgentId = agentId;
        t.LeaseOwner = null;
        t.LeaseExpiresAt = null;
    };
}
