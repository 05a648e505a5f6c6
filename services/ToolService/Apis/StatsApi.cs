using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Model;
using AgentOrchestration.ToolService.Search.Semantic;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Apis;

public static class StatsApi
{
    /// <summary>Internal: tool counts by kind, for the gateway's GET /status. Not routed through the gateway.</summary>
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/stats", async Task<Ok<Dictionary<string, int>>> (ToolsDbContext db, ToolVectorIndex index, CancellationToken cancellationToken) =>
        {
            var counts = await db.Tools.GroupBy(t => t.Kind).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            var stats = Enum.GetValues<ToolKind>().ToDictionary(
                kind => kind.ToString().ToLowerInvariant(),
                kind => counts.FirstOrDefault(c => c.Key == kind)?.Count ?? 0);
            // Tools this replica can find by meaning (its in-memory vector index).
            stats["indexed"] = index.Count;
            return TypedResults.Ok(stats);
        }).ExcludeFromDescription();
        return app;
    }
}
