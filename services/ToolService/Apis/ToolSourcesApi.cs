using System.Text.RegularExpressions;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Mcp;
using AgentOrchestration.ToolService.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Apis;

/// <summary>MCP servers (Streamable HTTP) whose tools join the registry.</summary>
public static partial class ToolSourcesApi
{
    public const string SourceUnreachable = "source_unreachable";
    public const string SourceNameTaken = "source_name_taken";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}\\z")]
    private static partial Regex SourceNamePattern();

    public static RouteGroupBuilder MapToolSourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/tool-sources").WithTags("Tool sources");
        api.MapGet("/", ListSources).WithName("ListToolSources");
        api.MapPost("/", CreateSource).WithName("CreateToolSource");
        api.MapGet("/{name}", GetSource).WithName("GetToolSource");
        api.MapPost("/{name}/sync", SyncSource).WithName("SyncToolSource");
        api.MapDelete("/{name}", DeleteSource).WithName("DeleteToolSource");
        return api;
    }

    public static async Task<Ok<List<ToolSourceResponse>>> ListSources(ToolsDbContext db, McpClientPool pool, CancellationToken cancellationToken)
    {
        var sources = await db.ToolSources.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(sources.Select(s => View(s, pool)).ToList());
    }

    public static async Task<Results<Ok<ToolSourceResponse>, ProblemHttpResult>> GetSource(
        string name, ToolsDbContext db, McpClientPool pool, CancellationToken cancellationToken)
    {
        var source = await db.ToolSources.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        return source is null ? Problems.NotFound("Tool source", name) : TypedResults.Ok(View(source, pool));
    }

    /// <summary>
    /// Registers a source and lists its tools at once. A server that cannot be reached or listed leaves nothing
    /// behind: the answer is 422 and the source is not stored.
    /// </summary>
    public static async Task<Results<Created<SyncResult>, ValidationProblem, ProblemHttpResult>> CreateSource(
        CreateToolSourceRequest request, ToolsDbContext db, McpSourceSynchronizer synchronizer, McpClientPool pool,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Name is null || !SourceNamePattern().IsMatch(request.Name))
        {
            errors["/name"] = ["A source name is 1 to 32 characters of a-z, 0-9, '_' and '-'; its tools are named '<source>.<tool>'."];
        }

        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors["/url"] = ["The URL of a Streamable HTTP MCP endpoint is required, e.g. https://example.com/mcp."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await db.ToolSources.AnyAsync(s => s.Name == request.Name, cancellationToken))
        {
            return NameTaken(request.Name!);
        }

        db.ToolSources.Add(new ToolSource { Name = request.Name!, Url = url!.ToString(), CreatedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation(out _))
        {
            // Another request registered the same name between the check above and this insert.
            return NameTaken(request.Name!);
        }

        var synced = false;
        try
        {
            var result = await synchronizer.SyncAsync(request.Name!, cancellationToken);
            synced = true;
            return TypedResults.Created($"/tool-sources/{request.Name}", result);
        }
        catch (McpSourceUnreachableException ex)
        {
            return Unreachable(ex);
        }
        finally
        {
            if (!synced)
            {
                // Whatever stopped the first sync (unreachable, cancelled, a bug), no half-registered source stays behind.
                await pool.ResetAsync(request.Name!);
                await db.Tools.Where(t => t.SourceName == request.Name).ExecuteDeleteAsync(CancellationToken.None);
                await db.ToolSources.Where(s => s.Name == request.Name).ExecuteDeleteAsync(CancellationToken.None);
            }
        }
    }

    public static async Task<Results<Ok<SyncResult>, ProblemHttpResult>> SyncSource(
        string name, McpSourceSynchronizer synchronizer, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await synchronizer.SyncAsync(name, cancellationToken));
        }
        catch (KeyNotFoundException)
        {
            return Problems.NotFound("Tool source", name);
        }
        catch (McpSourceUnreachableException ex)
        {
            return Unreachable(ex);
        }
    }

    /// <summary>Removes the source and its tools.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteSource(
        string name, ToolsDbContext db, McpClientPool pool, AgentDirectory agents, CancellationToken cancellationToken)
    {
        var tools = await db.Tools.Where(t => t.SourceName == name).Select(t => t.Name).ToListAsync(cancellationToken);
        if (await ToolGrants.RevokeAsync(agents, tools, cancellationToken) is { } unavailable)
        {
            return unavailable;
        }

        var deleted = await db.ToolSources.Where(s => s.Name == name).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return Problems.NotFound("Tool source", name);
        }

        await db.Tools.Where(t => t.SourceName == name).ExecuteDeleteAsync(cancellationToken);
        await pool.ResetAsync(name);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NameTaken(string name) =>
        Problems.Problem(StatusCodes.Status409Conflict, SourceNameTaken, "A tool source with this name exists.",
            $"Use POST /tool-sources/{name}/sync to refresh it.");

    private static ToolSourceResponse View(ToolSource source, McpClientPool pool) => new(
        source.Name, source.Url,
        source.LastSyncError is not null ? "unhealthy" : pool.IsConnected(source.Name) ? "healthy" : "disconnected",
        source.CreatedAt, source.LastSyncAt, source.LastSyncError, source.ToolCount);

    private static ProblemHttpResult Unreachable(McpSourceUnreachableException ex) => OutboundHttp.Blocked(ex) is { } blocked
        ? Problems.Problem(StatusCodes.Status422UnprocessableEntity, OutboundBlockedException.Code,
            "The MCP server's address is not allowed.", blocked.Message)
        : Problems.Problem(StatusCodes.Status422UnprocessableEntity, SourceUnreachable,
            "The MCP server could not be reached or listed.", ex.Message);
}
