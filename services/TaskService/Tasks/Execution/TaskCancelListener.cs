using AgentOrchestration.TaskService.Apis;
using AgentOrchestration.ServiceCommon;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Cancels a task this replica runs when the cancel request arrived at another replica.</summary>
public sealed class TaskCancelListener(IConnectionMultiplexer redis, TaskSignals signals, ILogger<TaskCancelListener> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(TasksApi.CancelChannel), (_, message) =>
            {
                if (Guid.TryParse(message.ToString(), out var taskId))
                {
                    signals.Cancel(taskId);
                }
            });
        }
        catch (Exception ex) when (BestEffortRedis.IsOutage(ex))
        {
            // The lease heartbeat reads the cancel flag from Postgres, so cancels still arrive, a little later.
            logger.LogWarning(ex, "Could not subscribe to task cancellations");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
