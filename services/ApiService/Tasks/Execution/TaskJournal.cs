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
/// </summary>
public sealed class TaskJournal(Guid taskId, string agentName, string? traceId, int lastSeq, IServiceScopeFactory scopes, TaskOptions options, OutboxSignal outbox, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Guid TaskId => taskId;

    public int LastSeq { get; private set; } = lastSeq;

    /// <summary>Applies the change and writes the events atomically; throws <see cref="LeaseLostException"/> if fenced off.</summary>
    public async Task WriteAsync(Func<TasksDbContext, DateTimeOffset, Task> change, params PendingEvent[] events)
    {
        await _gate.WaitAsync();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
            var now = clock.GetUtcNow();
            var nextSeq = LastSeq + events.Length;
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

            await change(db, now);
            var seq = LastSeq;
            foreach (var e in events)
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
