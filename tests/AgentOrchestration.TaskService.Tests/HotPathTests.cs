using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// The one-statement writes keep the lease's fencing exactly, and the answer the runner keeps in memory is the task
/// as a read returns it.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class HotPathTests(EngineFixture engine)
{
    private const string EchoTask = """{ "agent": "a", "tool": "echo", "arguments": { "text": "hi" } }""";

    private const string Diamond = """
        { "agent": "a", "input": { "n": 2 },
          "steps": [
            { "id": "a", "tool": "echo", "arguments": { "v": "{{input.n}}" } },
            { "id": "b", "tool": "echo", "arguments": { "v": "{{steps.a.output.v}}" }, "dependsOn": ["a"] },
            { "id": "c", "tool": "echo", "arguments": { "w": "{{steps.a.output.v}}", "list": [1, 2.50, "x"] }, "dependsOn": ["a"] },
            { "id": "d", "tool": "echo", "arguments": { "b": "{{steps.b.output}}", "c": "{{steps.c.output}}" }, "dependsOn": ["b", "c"] }
          ],
          "output": { "d": "{{steps.d.output}}", "unicode": "é ✓" } }
        """;

    /// <summary>Answers each call with its own arguments as the output (an echo), keys in the order sent.</summary>
    private static Task<HttpResponseMessage> Echo(HttpRequestMessage request)
    {
        var body = JsonNode.Parse(request.Content!.ReadAsStringAsync().Result)!;
        var line = new JsonObject
        {
            ["result"] = new JsonObject
            {
                ["output"] = body["arguments"]!.DeepClone(), ["isError"] = false, ["durationMs"] = 1, ["attempts"] = 1,
            },
        };
        return Task.FromResult(EngineFixture.Stream(line.ToJsonString() + "\n"));
    }

    private async Task<TaskJournal> JournalAsync(ServiceProvider services, Guid id)
    {
        var record = await engine.GetAsync(id);
        return new TaskJournal(record, Tasks.Definition.TaskDefinition.FromDocument(record.Definition), null,
            services.GetRequiredService<TaskWriteStore>(), services.GetRequiredService<IServiceScopeFactory>(), engine.Options,
            services.GetRequiredService<OutboxSignal>(), TimeProvider.System);
    }

    private async Task<(int LastSeq, string? Owner, DateTimeOffset? Lease, string Status, string StepStatus, int Events)> RowAsync(Guid id)
    {
        var task = await engine.GetAsync(id);
        await using var db = engine.NewDb();
        var events = await db.Events.CountAsync(e => e.TaskId == id);
        return (task.LastSeq, task.LeaseOwner, task.LeaseExpiresAt, task.Status, task.Steps[0].Status, events);
    }

    private static JournalWrite StepStart() => new(true, [new StepChange("main") { Status = StepStatuses.Running, Attempts = 1, Starts = true }],
        [new PendingEvent(EventTypes.TaskStarted, "info", "started"), new PendingEvent(EventTypes.StepStarted, "info", "step", "main")]);

    [Fact]
    public async Task AStaleOwnersWriteChangesNothingAndIsDetected()
    {
        await using var services = engine.Services(Echo, engine.Options);
        var id = await engine.AddTaskAsync(EchoTask, t => t.LastSeq = 1);
        var journal = await JournalAsync(services, id);
        await using (var db = engine.NewDb())
        {
            // Another replica took the task over (and wrote once).
            await db.Database.ExecuteSqlAsync($"UPDATE tasks SET lease_owner = 'other-replica', last_seq = 2 WHERE id = {id}");
        }

        var before = await RowAsync(id);

        await Assert.ThrowsAsync<LeaseLostException>(() => journal.WriteAsync(StepStart()));
        await Assert.ThrowsAsync<LeaseLostException>(() => journal.WriteFinalAsync(
            new FinalChange(TaskStatuses.Failed, null, "x", "Task cancelled.", "abort"),
            new PendingEvent(EventTypes.TaskFailed, "error", "x"), new PendingEvent(EventTypes.TaskCancelled, "warning", "c")));

        Assert.Equal(before, await RowAsync(id));
        Assert.Equal(TaskStatuses.Queued, before.Status);
        Assert.Equal(StepStatuses.Pending, before.StepStatus);
        Assert.Equal(0, before.Events);
        Assert.Equal(1, journal.LastSeq);
    }

    [Fact]
    public async Task AStaleRunOfTheSameReplicaIsFencedEvenWhenTheNewRunReachedTheSeqItWouldWrite()
    {
        // The same replica runs the task anew (claimed it back) and is already at the seq the old run's write would set:
        // the old run must still be fenced off, by the seq it read, not by the one it would write.
        await using var services = engine.Services(Echo, engine.Options);
        var id = await engine.AddTaskAsync(EchoTask, t => t.LastSeq = 1);
        var journal = await JournalAsync(services, id);
        await using (var db = engine.NewDb())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE tasks SET last_seq = 3 WHERE id = {id}");
        }

        var before = await RowAsync(id);

        await Assert.ThrowsAsync<LeaseLostException>(() => journal.WriteAsync(StepStart()));

        Assert.Equal(before, await RowAsync(id));
    }

    [Fact]
    public async Task TheOwnersWriteIsOneStatementThatChangesTaskStepAndEventsTogether()
    {
        await using var services = engine.Services(Echo, engine.Options);
        var id = await engine.AddTaskAsync(EchoTask, t => t.LastSeq = 1);
        var journal = await JournalAsync(services, id);

        await journal.WriteAsync(StepStart());

        var after = await RowAsync(id);
        Assert.Equal((3, TaskStatuses.Running, StepStatuses.Running, 2), (after.LastSeq, after.Status, after.StepStatus, after.Events));
        var task = await engine.GetAsync(id);
        Assert.Equal(journal.Mirror.StartedAt, task.StartedAt);
        Assert.Equal(journal.Mirror.LeaseExpiresAt, task.LeaseExpiresAt);
        Assert.Equal(journal.Mirror.Steps[0].StartedAt, task.Steps[0].StartedAt);
    }

    [Fact]
    public async Task AnEchoTaskCostsTwoDatabaseRoundTripsFromAcceptToEnd()
    {
        await using var services = engine.Services(Echo, engine.Options);
        var accepted = await engine.AddAcceptedAsync(EchoTask);
        var commands = new ConcurrentBag<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("db.query.text") is string text && activity.GetTagItem("db.namespace") is "tasksdb")
                {
                    commands.Add(text);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await services.GetRequiredService<TaskRunner>().RunAsync(accepted.Record.Id, CancellationToken.None, accepted);
        listener.Dispose();

        // Step start (with the task's start) and step end (with the task's end), each one statement in its own implicit
        // transaction (no BEGIN/COMMIT round trips); no read of the row, before or after.
        Assert.Equal(2, commands.Count);
        Assert.All(commands, c => Assert.Equal(TaskWriteStore.Sql, c));
        Assert.Equal(TaskStatuses.Succeeded, (await engine.GetAsync(accepted.Record.Id)).Status);
    }

    [Fact]
    public async Task TheAnswerFromMemoryIsWhatAReadOfTheTaskReturns()
    {
        await using var services = engine.Services(Echo, engine.Options);
        var signals = services.GetRequiredService<TaskSignals>();
        var runner = services.GetRequiredService<TaskRunner>();

        var accepted = await engine.AddAcceptedAsync(Diamond);
        using var waiter = signals.WaitForFinish(accepted.Record.Id);
        await runner.RunAsync(accepted.Record.Id, CancellationToken.None, accepted);
        AssertSameAsRead(await waiter.Finished, await engine.GetAsync(accepted.Record.Id));

        // A task claimed from the queue (read once, then run) is answered the same way.
        var claimed = await engine.AddTaskAsync(Diamond);
        using var claimedWaiter = signals.WaitForFinish(claimed);
        await runner.RunAsync(claimed, CancellationToken.None);
        AssertSameAsRead(await claimedWaiter.Finished, await engine.GetAsync(claimed));
    }

    [Fact]
    public async Task ACancelCommittedBeforeTheEndMakesTheAnswerFromMemoryCancelledToo()
    {
        Guid id = default;
        await using var services = engine.Services(async request =>
        {
            // The cancel lands in the database while the tool runs; no heartbeat sees it before the task's end does.
            await using (var db = engine.NewDb())
            {
                await db.Database.ExecuteSqlAsync($"UPDATE tasks SET cancel_requested = true WHERE id = {id}");
            }

            return await Echo(request);
        }, engine.Options);
        var accepted = await engine.AddAcceptedAsync(EchoTask);
        id = accepted.Record.Id;
        var signals = services.GetRequiredService<TaskSignals>();
        using var waiter = signals.WaitForFinish(id);

        await services.GetRequiredService<TaskRunner>().RunAsync(id, CancellationToken.None, accepted);

        var view = await waiter.Finished;
        var read = await engine.GetAsync(id);
        Assert.Equal(TaskStatuses.Cancelled, read.Status);
        Assert.Null(read.Result);
        AssertSameAsRead(view, read);
        var types = await engine.EventTypesAsync(id);
        Assert.Equal("task.cancelled", types.Last());
        Assert.DoesNotContain("task.succeeded", types);
    }

    private static void AssertSameAsRead(TaskView? fromMemory, TaskRecord read)
    {
        Assert.NotNull(fromMemory);
        var memory = JsonSerializer.SerializeToNode(fromMemory, JsonSerializerOptions.Web);
        var database = JsonSerializer.SerializeToNode(TaskView.From(read), JsonSerializerOptions.Web);
        // jsonb orders object keys its own way; the values must be the same.
        Assert.True(JsonNode.DeepEquals(memory, database), $"memory: {memory}\ndatabase: {database}");
    }
}
