using AgentOrchestration.TaskService.Apis;
using AgentOrchestration.ServiceCommon;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Cancels a task this replica runs when the cancel request arrived at another replica.</summary>
public sealed class TaskCancelListener(IConnectionMultiplexer redis, TaskSignals signals, ILogger<TaskCancelListener> logger)
    : RedisNoticeListener(redis, logger)
{
    protected override string Channel => TasksApi.CancelChannel;

    protected override string WhileUnsubscribed => "the lease heartbeat reads the cancel flag from Postgres, so cancels arrive a little later";

    protected override void OnNotice(string message)
    {
        if (Guid.TryParse(message, out var taskId))
        {
            signals.Cancel(taskId);
        }
    }
}
