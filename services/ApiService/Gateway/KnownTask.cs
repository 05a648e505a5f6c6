using AgentOrchestration.ApiService.Infrastructure;
using AgentOrchestration.ApiService.Security;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ApiService.Gateway;

/// <summary>
/// A task's logs exist only for a task that exists: the LoggingService knows tasks only by their events, so for an
/// unknown id its stream sent heartbeats forever. The gateway owns the tasks and answers 404 first. (An agent key's
/// request is checked for ownership, which includes existence, by <see cref="AgentScope"/>.)
/// </summary>
public static class KnownTask
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (context.GetReverseProxyFeature().Route.Config.RouteId == AgentScope.TaskLogs && !context.User.ToCaller().IsAgent)
        {
            var raw = context.Request.RouteValues["taskId"]?.ToString();
            var db = context.RequestServices.GetRequiredService<TasksDbContext>();
            if (!Guid.TryParse(raw, out var taskId) || !await db.Tasks.AnyAsync(t => t.Id == taskId, context.RequestAborted))
            {
                await Problems.NotFound("Task", raw ?? "").ExecuteAsync(context);
                return;
            }
        }

        await next();
    }
}
