using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>One tasksdb: how tests store tasks as the submission would and read back what the engine made of them.</summary>
public sealed class EngineDatabase(string connectionString)
{
    public string ConnectionString => connectionString;

    public TasksDbContext NewDb() => new(new DbContextOptionsBuilder<TasksDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>Stores a task as the submission would, leased to <paramref name="leaseOwner"/> from now on <paramref name="clock"/>.</summary>
    public async Task<Guid> AddTaskAsync(string json, string? leaseOwner, TimeSpan leaseDuration, TimeProvider clock, Action<TaskRecord>? adjust = null) =>
        (await AddAcceptedAsync(json, leaseOwner, leaseDuration, clock, adjust)).Record.Id;

    /// <summary>Stores a task as the submission would and hands it over as the submission does (the row and its definition).</summary>
    public async Task<AcceptedTask> AddAcceptedAsync(
        string json, string? leaseOwner, TimeSpan leaseDuration, TimeProvider clock, Action<TaskRecord>? adjust = null)
    {
        var task = new TaskValidator(100, 32).Validate(JsonDocument.Parse(json).RootElement).Task!;
        // As Postgres stores it, so the runner's in-memory copy of the row equals what a read returns.
        var now = TaskJournal.TruncateToMicroseconds(clock.GetUtcNow());
        var id = Guid.CreateVersion7(now);
        var record = new TaskRecord
        {
            Id = id, AgentId = Guid.NewGuid(), AgentName = task.Agent, Definition = task.ToDocument(), CreatedAt = now,
            DeadlineAt = task.TimeoutMs is { } timeout ? now.AddMilliseconds(timeout) : null,
            LeaseOwner = leaseOwner, LeaseExpiresAt = leaseOwner is null ? null : now + leaseDuration,
            Steps = task.Steps.Select((s, i) => new TaskStepRecord { TaskId = id, StepId = s.Id, Ordinal = i, Tool = s.Tool }).ToList(),
        };
        adjust?.Invoke(record);
        await using var db = NewDb();
        db.Tasks.Add(record);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return new AcceptedTask(record, task);
    }

    public async Task<TaskRecord> GetAsync(Guid id)
    {
        await using var db = NewDb();
        return await db.Tasks.AsNoTracking().Include(t => t.Steps).SingleAsync(t => t.Id == id);
    }

    public async Task<List<string>> EventTypesAsync(Guid id) => [.. (await EventsAsync(id)).Select(e => e.Type)];

    /// <summary>The task's events in seq order, each with the transaction that wrote it (rows of one commit share xmin).</summary>
    public async Task<List<StoredEvent>> EventsAsync(Guid id)
    {
        await using var db = NewDb();
        return await db.Database.SqlQuery<StoredEvent>($"""
            SELECT seq AS "Seq", type AS "Type", step_id AS "StepId", at AS "At", xmin::text AS "Transaction"
            FROM task_events WHERE task_id = {id} ORDER BY seq
            """).ToListAsync();
    }

    /// <summary>Changes the task's row as another replica (or a cancel request) would, behind the engine's back.</summary>
    public async Task UpdateAsync(Guid id, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<TaskRecord>> set)
    {
        await using var db = NewDb();
        await db.Tasks.Where(t => t.Id == id).ExecuteUpdateAsync(set);
    }

    /// <summary>Waits (bounded) until the task's row satisfies <paramref name="done"/>.</summary>
    public Task<TaskRecord> UntilAsync(Guid id, Func<TaskRecord, bool> done, string what) => Eventually.UntilAsync(() => GetAsync(id), done, what);
}

/// <summary>One stored event of a task, as a test checks it.</summary>
public sealed record StoredEvent(int Seq, string Type, string? StepId, DateTimeOffset At, string Transaction);
