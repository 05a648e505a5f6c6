using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Counts queued tasks every few seconds for the queue-depth gauge (an index-only count on status).</summary>
public sealed class QueueDepthSampler(IServiceScopeFactory scopes, TaskMetrics metrics, TimeProvider clock, ILogger<QueueDepthSampler> logger)
    : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
                metrics.QueueDepth = await db.Tasks.LongCountAsync(t => t.Status == TaskStatuses.Queued, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug(ex, "Sampling the queue depth failed");
            }
        }
    }
}
