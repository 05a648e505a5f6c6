using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Apis;

public static class ToolsApi
{
    public static RouteGroupBuilder MapToolsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/tools").WithTags("Tools");
        api.MapGet("/", ListTools).WithName("ListTools");
        api.MapGet("/{idOrName}", GetTool).WithName("GetTool");
        api.MapPost("/lookup", LookupTools).WithName("LookupTools").ExcludeFromDescription();
        return api;
    }

    public static async Task<Ok<ToolPage>> ListTools(ToolsDbContext db, string? kind, string? tag, CancellationToken cancellationToken)
    {
        var tools = db.Tools.AsNoTracking();
        if (!string.IsNullOrEmpty(tag))
        {
            tools = tools.Where(t => t.Tags.Contains(tag));
        }

        var items = await tools.OrderBy(t => t.Name).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ToolPage(items
            .Where(t => kind is null || t.Kind.ToString().Equals(kind, StringComparison.OrdinalIgnoreCase))
            .Select(ToolResponse.From).ToList()));
    }

    public static async Task<Results<Ok<ToolResponse>, ProblemHttpResult>> GetTool(
        string idOrName, ToolsDbContext db, CancellationToken cancellationToken)
    {
        var tool = Guid.TryParse(idOrName, out var id)
            ? await db.Tools.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken)
            : await db.Tools.AsNoTracking().FirstOrDefaultAsync(t => t.Name == idOrName, cancellationToken);
        return tool is null ? Problems.NotFound("Tool", idOrName) : TypedResults.Ok(ToolResponse.From(tool));
    }

    /// <summary>Internal: which of these names are registered and enabled. One query for a whole agent's tool list.</summary>
    public static async Task<Ok<ToolLookupResponse>> LookupTools(ToolLookupRequest request, ToolsDbContext db, CancellationToken cancellationToken)
    {
        var names = request.Names.Distinct(StringComparer.Ordinal).ToList();
        var found = await db.Tools.AsNoTracking()
            .Where(t => names.Contains(t.Name) && t.Enabled)
            .Select(t => t.Name)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ToolLookupResponse(found, names.Except(found).ToList()));
    }
}
