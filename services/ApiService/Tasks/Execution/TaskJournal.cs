using System.Text.Json;
using AgentOrchestration.ApiService.Infrastructure;
using AgentOrchestration.ApiService.Tasks.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ApiService.Tasks.Execution;

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
    /// Applies the deferred changes and this one, and writes all their events, atomically; throws
    /// <see cref="LeaseLostException"/> if fenced off.
    /// </summary>
    public async Task WriteAsync(Func<TasksDbContext, DateTimeOffset, Task> change, params PendingEvent[] events)
    {
        await _gate.WaitAsync();
        try
        {
            List<JournalWrite> writes = [.. _deferred, new(change, events)];
            var all = writes.SelectMany(w => w.Events).ToList();
            if (all.Count == 0)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
            // The whole write commits or rolls back as one: a savepoint around the event INSERT would cost two round trips.
            db.Database.AutoSavepointsEnabled = false;
            var now = clock.GetUtcNow();
            var nextSeq = LastSeq + all.Count;
            await using var transaction = await db.Database.BeginTransactionAsync();
            var owned = await db.Tasks
                .Where(t => t.Id == taskId && t.LeaseOwner == options.ReplicaId && t.LastSeq == LastSeq)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.LastSeq, nextSeq)
                    .SetProperty(t => t.LeaseExpiresAt, now + options.LeaseDuration));
            if (owned == 0)
            {
                throw new LeaseLostException(taskId);
            }

            foreach (var write in writes)
            {
                await write.Change(db, now);
            }

            var seq = LastSeq;
            foreach (var e in all)
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
internal sealed record JournalWrite(Func<TasksDbContext, DateTimeOffset, Task> Change, PendingEvent[] Events);
