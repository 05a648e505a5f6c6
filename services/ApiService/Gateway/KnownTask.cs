using AgentOrchestration.ApiService.Security;
using AgentOrchestration.ApiService.Services;
using AgentOrchestration.ServiceCommon;

namespace AgentOrchestration.ApiService.Gateway;

/// <summary>
/// A task's logs exist only for a task the caller may see: the LoggingService knows tasks only by their events, so
/// for an unknown id its stream sent heartbeats forever, and an agent key must not read another agent's task (that
/// task is "not found", not "forbidden", so ids reveal nothing). The TaskService owns the tasks and decides, asked as
/// the caller.
/// </summary>
public static class KnownTask
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (context.GetReverseProxyFeature().Route.Config.RouteId == AgentScope.TaskLogs)
        {
            var raw = context.Request.RouteValues["taskId"]?.ToString();
            var tasks = context.RequestServices.GetRequiredService<TaskServiceClient>();
            bool visible;
            try
            {
                visible = Guid.TryParse(raw, out var taskId) && await tasks.IsVisibleAsync(taskId, context.User.ToCaller(), context.RequestAborted);
            }
            catch (HttpRequestException)
            {
                context.Response.Headers.RetryAfter = "5";
                await ToolChecks.Unavailable("task service").ExecuteAsync(context);
                return;
            }

            if (!visible)
            {
                await Problems.NotFound("Task", raw ?? "").ExecuteAsync(context);
                return;
            }
        }

        await next();
    }
}
