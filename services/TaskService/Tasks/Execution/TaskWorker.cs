using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.ServiceCommon;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// Every replica's worker: runs the tasks this replica accepted at once when there is room, and claims tasks whose
/// lease has lapsed or was handed back (their replica died, or had no room for them) with a row lock that other
/// replicas skip, so each task has one runner at a time. One agent holds at most its share of the slots
/// (<see cref="WorkerSlots"/>). Nothing lives only in memory: the queue is the tasks table.
/// </summary>
public sealed class TaskWorker(
    IServiceScopeFactory scopes, TaskRunner runner, TaskSignals signals, TaskOptions options, TimeProvider clock, ILogger<TaskWorker> logger)
    : BackgroundService
{
    private readonly WorkerSlots _slots = new(options.MaxConcurrentTasks, options.AgentShare, options.ReservedSlots);
    private readonly WakeSignal _slotFreed = new();
    private CancellationToken _stopping;

    public WorkerSlots Slots => _slots;

    /// <summary>
    /// Starts a task this replica has just accepted (and holds the lease on). With no room for its agent here, the
    /// lease is handed back at once, so the claim loop of whichever replica has room takes it.
    /// </summary>
    public async Task StartAcceptedAsync(AcceptedTask accepted)
    {
        var (taskId, agentId) = (accepted.Record.Id, accepted.Record.AgentId);
        if (_slots.TryTake(agentId))
        {
            Run(taskId, agentId, accepted);
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
            await db.Tasks.Where(t => t.Id == taskId && t.LeaseOwner == options.ReplicaId && t.Status == TaskStatuses.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, (string?)null).SetProperty(t => t.LeaseExpiresAt, (DateTimeOffset?)null));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease lapses on its own within seconds and the task is claimed then.
            logger.LogWarning(ex, "Handing back task {TaskId} failed", taskId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var idle = options.LeaseDuration / 5;
        while (!stoppingToken.IsCancellationRequested)
        {
            Claimed? claimed = null;
            try
            {
                if (_slots.HasFree)
                {
                    claimed = await ClaimAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Postgres may be restarting: keep trying; nothing is lost meanwhile, the tasks wait in their table.
                logger.LogWarning(ex, "Claiming tasks failed");
            }

            if (claimed is { } task)
            {
                logger.LogInformation("Running task {TaskId} claimed from the queue", task.Id);
                Run(task.Id, task.AgentId);
                continue;
            }

            try
            {
                await _slotFreed.WaitAsync(idle, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs the task on a slot already taken for it.</summary>
    private void Run(Guid taskId, Guid agentId, AcceptedTask? accepted = null) => _ = Task.Run(async () =>
    {
        try
        {
            await runner.RunAsync(taskId, _stopping, accepted);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            // The lease lapses and another attempt (here or on another replica) resumes the task; its takeovers are capped.
            logger.LogError(ex, "Running task {TaskId} failed; it will be resumed", taskId);
        }
        catch (Exception)
        {
            // Stopping (the run was cut short on purpose): handed back below.
        }
        finally
        {
            if (_stopping.IsCancellationRequested)
            {
                await HandBackAsync(taskId);
            }

            _slots.Release(agentId);
            _slotFreed.Set();
        }
    });

    /// <summary>
    /// A replica that stops on purpose hands its unfinished task back (no owner), so another replica resumes it at
    /// once and a deploy is not counted as the task losing its runner. Best effort: if this fails, the lease lapses.
    /// </summary>
    private async Task HandBackAsync(Guid taskId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE tasks SET lease_owner = NULL, lease_expires_at = NULL
                WHERE id = {taskId} AND lease_owner = {options.ReplicaId} AND status IN ({TaskStatuses.Queued}, {TaskStatuses.Running})
                """, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Npgsql.NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Task {TaskId} was not handed back on stopping; its lease will lapse", taskId);
        }
    }

    private sealed record Claimed(Guid Id, Guid AgentId);

    /// <summary>
    /// Takes the oldest unfinished task without a live lease whose agent is below its share here, and takes its slot.
    /// Taking over from a runner that vanished (the lease had an owner) counts as a takeover.
    /// </summary>
    private async Task<Claimed?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
        var now = clock.GetUtcNow();
        var full = _slots.AgentsAtShare();
        var rows = await db.Database.SqlQuery<Claimed>($"""
            UPDATE tasks SET lease_owner = {options.ReplicaId}, lease_expires_at = {now + options.LeaseDuration},
                takeovers = takeovers + CASE WHEN lease_owner IS NULL THEN 0 ELSE 1 END
            WHERE id = (
                SELECT id FROM tasks
                WHERE status IN ({TaskStatuses.Queued}, {TaskStatuses.Running})
                  AND (lease_expires_at IS NULL OR lease_expires_at < {now})
                  AND NOT (agent_id = ANY({full}))
                ORDER BY created_at
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Id", agent_id AS "AgentId"
            """).ToListAsync(cancellationToken);
        if (rows.Count == 0 || signals.IsRunningHere(rows[0].Id))
        {
            return null;
        }

        _slots.Take(rows[0].AgentId);
        return rows[0];
    }
}
