using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Apis;

public static class GrantsApi
{
    /// <summary>Internal: the ToolService calls this before it deletes tools. Not routed through the gateway.</summary>
    public static IEndpointRouteBuilder MapGrantsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/grants/revoke", RevokeGrants).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Removes these tool names from every agent's grants in one statement (each changed agent's version goes up, so
    /// its ETag changes), so a later tool of the same name is not granted to anyone by accident. Idempotent.
    /// </summary>
    public static async Task<Results<Ok<RevokeGrantsResponse>, ValidationProblem>> RevokeGrants(
        RevokeGrantsRequest request, [AsParameters] AgentServices services, CancellationToken cancellationToken)
    {
        if (request.Tools is null || request.Tools.Any(t => t is null))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["/tools"] = ["A list of tool names is required."] });
        }

        var tools = request.Tools.Distinct(StringComparer.Ordinal).ToArray();
        if (tools.Length == 0)
        {
            return TypedResults.Ok(new RevokeGrantsResponse([]));
        }

        var now = services.Clock.GetUtcNow();
        // Keeps the remaining tools in their order; the && (overlap) test uses the GIN index on tools.
        var changed = await services.Db.Database.SqlQuery<RevokedAgent>($"""
            UPDATE agents
            SET tools = ARRAY(SELECT t FROM unnest(tools) WITH ORDINALITY AS u(t, i) WHERE t <> ALL({tools}) ORDER BY i),
                version = version + 1,
                updated_at = {now}
            WHERE tools && {tools}
            RETURNING id AS "Id", name AS "Name"
            """).ToListAsync(cancellationToken);
        foreach (var agent in changed)
        {
            await services.Publisher.PublishAsync(agent.Id, agent.Name, AgentChanged.Updated);
        }

        return TypedResults.Ok(new RevokeGrantsResponse(changed.Select(a => a.Name).Order(StringComparer.Ordinal).ToList()));
    }

    private sealed record RevokedAgent(Guid Id, string Name);
}
