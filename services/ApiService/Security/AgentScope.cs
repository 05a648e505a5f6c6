using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.AspNetCore.Http.Extensions;
using Yarp.ReverseProxy.Model;

namespace AgentOrchestration.ApiService.Security;

/// <summary>
/// Narrows an agent key's reads through the proxy to its own things: its own agent record, its own tasks' logs
/// (checked by <see cref="Gateway.KnownTask"/>), the live feed of its own tasks, and
/// the tool catalog filtered by its own grants only (naming any other agent, existing or not, is the same 403).
/// Other roles pass untouched; tool calls and /mcp are scoped by the ToolService from the caller headers.
/// </summary>
public static class AgentScope
{
    public const string AgentsRead = "agents-read";
    public const string TaskLogs = "task-logs";
    public const string LiveLogs = "logs";
    public const string ToolsRead = "tools-read";

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var caller = context.User.ToCaller();
        if (!caller.IsAgent)
        {
            await next();
            return;
        }

        var route = context.GetReverseProxyFeature().Route.Config.RouteId;
        var problem = route switch
        {
            AgentsRead => CheckAgentRead(context, caller),
            LiveLogs => OnlyOwnFeed(context, caller.AgentId),
            ToolsRead => OnlySelfAsAgentFilter(context, caller),
            _ => null,
        };
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }

        await next();
    }

    private static IResult? CheckAgentRead(HttpContext context, Caller caller)
    {
        var segments = context.Request.Path.Value!.Trim('/').Split('/');
        if (segments.Length == 1)
        {
            return Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "An agent key cannot list agents.",
                "Read your own agent at /agents/{your id or name}.");
        }

        var target = Uri.UnescapeDataString(segments[1]);
        return caller.IsSelf(target) ? null : Problems.NotFound("Agent", target);
    }

    /// <summary>
    /// <c>?agent=</c> may name only the caller (by id or name). The answer for another agent does not depend on whether
    /// it exists, so the filter is no oracle for agent names.
    /// </summary>
    private static IResult? OnlySelfAsAgentFilter(HttpContext context, Caller caller)
    {
        var named = context.Request.Query.Where(q => q.Key.Equals("agent", StringComparison.OrdinalIgnoreCase)).SelectMany(q => q.Value);
        return named.All(agent => agent is not null && caller.IsSelf(agent)) ? null
            : Problems.Problem(StatusCodes.Status403Forbidden, "agent_mismatch", "An agent key may name only its own agent.",
                "Leave out agent= or name your own agent (its id or name).");
    }

    /// <summary>
    /// The feed is filtered to the caller's tasks whatever agent the query asked for, by id: a later agent that took
    /// a deleted agent's name must not hear the old agent's tasks.
    /// </summary>
    private static IResult? OnlyOwnFeed(HttpContext context, Guid? agentId)
    {
        var query = new QueryBuilder(context.Request.Query.Where(q =>
            !q.Key.Equals("agent", StringComparison.OrdinalIgnoreCase) && !q.Key.Equals("agentId", StringComparison.OrdinalIgnoreCase)))
        {
            { "agentId", (agentId ?? Guid.Empty).ToString() },
        };
        context.Request.QueryString = query.ToQueryString();
        return null;
    }
}
