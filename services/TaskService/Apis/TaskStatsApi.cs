using System.Diagnostics;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Apis;

/// <summary>What the gateway's GET /status shows of the engine: task counts, how fast tasksdb answered, this replica.</summary>
public sealed record TaskStats(Dictionary<string, int> Counts, double DatabaseLatencyMs, TaskReplica Replica);

/// <summary>The replica that answered: one of possibly several.</summary>
public sealed record TaskReplica(string Name, int ProcessId, int RunningTasks);

public static class TaskStatsApi
{
    /// <summary>Internal: not routed through the gateway.</summary>
    public static IEndpointRouteBuilder MapTaskStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/stats", async (TasksDbContext db, TaskSignals signals, CancellationToken cancellationToken) =>
        {
            var stopwatch = Stopwatch.StartNew();
            var counts = await db.Tasks.GroupBy(t => t.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            var latency = Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1);
            return TypedResults.Ok(new TaskStats(
                TaskStatuses.All.ToDictionary(status => status, status => counts.FirstOrDefault(c => c.Key == status)?.Count ?? 0),
                latency,
                new TaskReplica(Environment.MachineName, Environment.ProcessId, signals.RunningCount)));
        }).ExcludeFromDescription();
        return app;
    }
}
