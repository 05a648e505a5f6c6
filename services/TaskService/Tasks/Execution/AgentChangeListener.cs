using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Services;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// The one subscriber to agents:changed here. Any change but a creation evicts the cached agents, so a deactivated
/// agent stops getting tasks at once (the cache's TTL bounds it if a notice is lost). Tasks belong to an agent's id:
/// when an agent is deleted, its unfinished tasks are cancelled (the flag in Postgres,
/// which their runners' heartbeats read, and at once for those running here), so none goes on as a new agent that
/// took the same name. If the notice is lost, the backstop is the tool call itself: it names the agent by id, and
/// the ToolService refuses an agent that no longer exists.
/// </summary>
public sealed class AgentChangeListener(
    IConnectionMultiplexer redis, IServiceScopeFactory scopes, TaskSignals signals, AgentCache agents, ILogger<AgentChangeListener> logger)
    : RedisNoticeListener(redis, logger)
{
    protected override string Channel => AgentChanged.Channel;

    protected override string WhileUnsubscribed => "a deleted agent's tasks fail at their next tool call";

    protected override void OnNotice(string message)
    {
        var change = AgentChanged.FromNotice(message);
        if (change is not { CanStaleCaches: false })
        {
            agents.Evict();
        }

        if (change?.Change == AgentChanged.Deleted)
        {
            // Off the multiplexer's thread: the handler must not block it.
            _ = Task.Run(() => CancelTasksOfAsync(change.Id));
        }
    }

    public async Task<int> CancelTasksOfAsync(Guid agentId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
            var ids = await db.Database.SqlQuery<Guid>($"""
                UPDATE tasks SET cancel_requested = TRUE
                WHERE agent_id = {agentId} AND status IN ({TaskStatuses.Queued}, {TaskStatuses.Running})
                RETURNING id AS "Value"
                """).ToListAsync();
            foreach (var id in ids)
            {
                signals.Cancel(id);
            }

            if (ids.Count > 0)
            {
                logger.LogInformation("Agent {AgentId} was deleted: cancelling its {Count} unfinished task(s)", agentId, ids.Count);
            }

            return ids.Count;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Cancelling the tasks of deleted agent {AgentId} failed", agentId);
            return 0;
        }
    }

}
