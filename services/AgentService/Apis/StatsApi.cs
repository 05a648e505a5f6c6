using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Apis;

public static class StatsApi
{
    /// <summary>Internal: agent counts by status, for the gateway's GET /status. Not routed through the gateway.</summary>
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/stats", async Task<Ok<Dictionary<string, int>>> (AgentsDbContext db, CancellationToken cancellationToken) =>
        {
            var counts = await db.Agents.GroupBy(a => a.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            return TypedResults.Ok(new Dictionary<string, int>
            {
                ["active"] = counts.FirstOrDefault(c => c.Key == AgentStatus.Active)?.Count ?? 0,
                ["inactive"] = counts.FirstOrDefault(c => c.Key == AgentStatus.Inactive)?.Count ?? 0,
            });
        }).ExcludeFromDescription();
        return app;
    }
}
