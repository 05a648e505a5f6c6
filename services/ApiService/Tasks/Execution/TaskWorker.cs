using AgentOrchestration.ApiService.Infrastructure;
using AgentOrchestration.ApiService.Tasks.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ApiService.Tasks.Execution;

/// <summary>
/// Every replica's worker: runs the tasks this replica accepted at once, and claims tasks whose lease has lapsed
/// (their replica died or never started them) with a row lock that other replicas skip, so each task has one
/// runner at a time. Nothing lives only in memory: the queue is the tasks table.
/// </summary>
public sealed class TaskWorker(
    IServiceScopeFactory scopes, TaskRunner runner, TaskSignals signals, TaskOptions options, TimeProvider clock, ILogger<TaskWorker> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentTasks, options.MaxConcurrentTasks);
    private CancellationToken _stopping;

    /// <summary>Starts a task this replica has just accepted (and already holds the lease on).</summary>
    public void StartAccepted(Guid taskId) => _ = RunWithSlotAsync(taskId, waitForSlot: true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var idle = options.LeaseDuration / 5;
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? claimed = null;
            try
            {
                if (_slots.CurrentCount > 0)
                {
                    claimed = await ClaimAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Postgres may be restarting: keep trying; nothing is lost meanwhile, the tasks wait in their table.
                logger.LogWarning(ex, "Claiming tasks failed");
            }

            if (claimed is { } id)
            {
                logger.LogInformation("Resuming task {TaskId} whose lease had lapsed", id);
                await RunWithSlotAsync(id, waitForSlot: false);
                continue;
            }

            try
            {
                await Task.Delay(idle, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunWithSlotAsync(Guid taskId, bool waitForSlot)
    {
        if (waitForSlot)
        {
            await _slots.WaitAsync(_stopping);
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await runner.RunAsync(taskId, _stopping);
            }
            catch (Exception ex)
            {
                // The lease lapses and another attempt (here or on another replica) resumes the task.
                logger.LogError(ex, "Running task {TaskId} failed; it will be resumed", taskId);
            }
            finally
            {
                _slots.Release();
            }
        });
    }

    /// <summary>Takes one unfinished task whose lease has lapsed; the slot is taken before the claim.</summary>
    private async Task<Guid?> ClaimAsync(CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(0, cancellationToken))
        {
            return null;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
            var now = clock.GetUtcNow();
            var ids = await db.Database.SqlQuery<Guid>($"""
                UPDATE tasks SET lease_owner = {options.ReplicaId}, lease_expires_at = {now + options.LeaseDuration}
                WHERE id = (
                    SELECT id FROM tasks
                    WHERE status IN ({TaskStatuses.Queued}, {TaskStatuses.Running})
                      AND (lease_expires_at IS NULL OR lease_expires_at < {now})
                    ORDER BY created_at
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING id AS "Value"
                """).ToListAsync(cancellationToken);
            if (ids.Count == 0 || signals.IsRunningHere(ids[0]))
            {
                _slots.Release();
                return null;
            }

            return ids[0];
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }
}
