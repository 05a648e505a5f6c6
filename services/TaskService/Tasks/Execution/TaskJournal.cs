using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>The replica no longer holds the task's lease: another one has taken over, so this one must stop.</summary>
public sealed class LeaseLostException(Guid taskId) : Exception($"The lease on task {taskId} was lost.");

/// <summary>
/// Writes one running task's state changes, each in one transaction with the events that report it. Every write is
/// fenced by the lease (owner and last seq must still be ours), renews the lease, and numbers the events
/// gap-free. Writes of one task are serialised, so parallel steps never race for a seq.
/// A change can also be deferred: it is then committed with the next write (or <see cref="FlushAsync"/>), so two
/// changes that happen back to back (task started + first step started; last step done + task done) cost one commit.
/// Callers defer only when a write follows at once, so nothing waits longer to become durable than it did before.
/// </summary>
public sealed class TaskJournal(Guid taskId, string agentName, string? traceId, int lastSeq, IServiceScopeFactory scopes, TaskOptions options, OutboxSignal outbox, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<JournalWrite> _deferred = [];

    public Guid TaskId => taskId;

    public int LastSeq { get; private set; } = lastSeq;

    /// <summary>Holds the change and its events back until the next write, which commits them first.</summary>
    public async Task DeferAsync(Func<TasksDbContext, DateTimeOffset, Task> change, params PendingEvent[] events)
    {
        await _gate.WaitAsync();
        try
        {
            _deferred.Add(new(change, events));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits the deferred changes now, if there are any.</summary>
    public Task FlushAsync() => WriteAsync((_, _) => Task.CompletedTask);

    /// <summary>
    /// Forgets the deferred changes: after a write failed for a reason no repeat heals (<see cref="UnstorableWrite"/>),
    /// they would only fail again; the runner then ends the task with a write of its own.
    /// </summary>
    public void DiscardDeferred()
    {
        _gate.Wait();
        try
        {
            _deferred.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies the deferred changes and this one, and writes all their events, atomically; throws
    /// <see cref="LeaseLostException"/> if fenced off.
    /// </summary>
    public Task WriteAsync(Func<TasksDbContext, DateTimeOffset, Task> change, params PendingEvent[] events) =>
        CommitAsync(new JournalWrite(change, events), null);

    /// <summary>
    /// The task's last write: <paramref name="decide"/> is given the task's cancel flag as read under the row lock
    /// this transaction holds, so a cancel and the task's end are decided once, in the database: a cancel that
    /// committed first makes the end "cancelled"; one that comes later finds the task finished (409).
    /// </summary>
    public Task WriteFinalAsync(Func<bool, JournalWrite> decide) => CommitAsync(new JournalWrite((_, _) => Task.CompletedTask, []), decide);

    private async Task CommitAsync(JournalWrite write, Func<bool, JournalWrite>? decide)
    {
        await _gate.WaitAsync();
        try
        {
            List<JournalWrite> writes = [.. _deferred, write];
            // The final write always has exactly one event, decided below.
            var count = writes.Sum(w => w.Events.Length) + (decide is null ? 0 : 1);
            if (count == 0)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
            // The whole write commits or rolls back as one: a savepoint around the event INSERT would cost two round trips.
            db.Database.AutoSavepointsEnabled = false;
            var now = clock.GetUtcNow();
            var nextSeq = LastSeq + count;
            await using var transaction = await db.Database.BeginTransactionAsync();
            var fence = await db.Database.SqlQuery<bool>($"""
                UPDATE tasks SET last_seq = {nextSeq}, lease_expires_at = {now + options.LeaseDuration}
                WHERE id = {taskId} AND lease_owner = {options.ReplicaId} AND last_seq = {LastSeq}
                RETURNING cancel_requested AS "Value"
                """).ToListAsync();
            if (fence.Count == 0)
            {
                throw new LeaseLostException(taskId);
            }

            if (decide is not null)
            {
                writes.Add(decide(fence[0]));
            }

            foreach (var w in writes)
            {
                await w.Change(db, now);
            }

            var seq = LastSeq;
            foreach (var e in writes.SelectMany(w => w.Events))
            {
                db.Events.Add(new ExecutionEventRecord
                {
                    Id = Guid.CreateVersion7(now),
                    TaskId = taskId,
                    Seq = ++seq,
                    StepId = e.StepId,
                    At = now,
                    Level = e.Level,
                    Type = e.Type,
                    Message = e.Message,
                    Data = e.Data is null ? null : JsonSerializer.SerializeToDocument(e.Data, JsonSerializerOptions.Web),
                    AgentName = agentName,
                    TraceId = traceId,
                });
            }

            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            LastSeq = nextSeq;
            _deferred.Clear();
            outbox.Set();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Extends the lease while steps run, reading the cancel flag in the same statement; Owned is false when it was lost.</summary>
    public async Task<(bool Owned, bool CancelRequested)> RenewLeaseAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
        var expires = clock.GetUtcNow() + options.LeaseDuration;
        var cancel = await db.Database.SqlQuery<bool>($"""
            UPDATE tasks SET lease_expires_at = {expires}
            WHERE id = {taskId} AND lease_owner = {options.ReplicaId}
            RETURNING cancel_requested AS "Value"
            """).ToListAsync(cancellationToken);
        return (cancel.Count > 0, cancel is [true]);
    }
}

/// <summary>One change of a task's state and the events that report it.</summary>
public sealed record JournalWrite(Func<TasksDbContext, DateTimeOffset, Task> Change, PendingEvent[] Events);
