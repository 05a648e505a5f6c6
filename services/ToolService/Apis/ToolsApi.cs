using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ToolService.Model;
using AgentOrchestration.ToolService.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Apis;

public static class ToolsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const string ToolNameTaken = "tool_name_taken";
    public const string InvalidSchema = "invalid_schema";

    public static RouteGroupBuilder MapToolsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/tools").WithTags("Tools");
        api.MapGet("/", ListTools).WithName("ListTools");
        api.MapPost("/", CreateTool).WithName("CreateTool");
        api.MapGet("/{idOrName}", GetTool).WithName("GetTool");
        api.MapPatch("/{idOrName}", UpdateTool).WithName("UpdateTool");
        api.MapDelete("/{idOrName}", DeleteTool).WithName("DeleteTool");
        api.MapPost("/{name}/invoke", ToolInvocationApi.InvokeTool).WithName("InvokeTool");
        api.MapPost("/lookup", LookupTools).WithName("LookupTools").ExcludeFromDescription();
        return api;
    }

    /// <summary>The catalog: ranked by relevance when <c>q</c> is given (each result with its score), else by name.</summary>
    /// <remarks><c>mode</c>: <c>hybrid</c> (default; words and meaning fused), <c>semantic</c> or <c>lexical</c>.</remarks>
    public static async Task<Results<Ok<ToolPage>, ValidationProblem, ProblemHttpResult>> ListTools(
        [AsParameters] ToolServices services, string? q, string? tag, string? kind, string? agent, int? limit, string? mode,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        ToolKind? kindFilter = kind switch
        {
            null => null,
            "builtin" => ToolKind.Builtin,
            "http" => ToolKind.Http,
            "mcp" => ToolKind.Mcp,
            _ => null,
        };
        if (kind is not null && kindFilter is null)
        {
            errors["/query/kind"] = ["kind must be 'builtin', 'http' or 'mcp'."];
        }

        SearchMode? searchMode = mode switch
        {
            null => SearchMode.Hybrid,
            "hybrid" => SearchMode.Hybrid,
            "semantic" => SearchMode.Semantic,
            "lexical" => SearchMode.Lexical,
            _ => null,
        };
        if (searchMode is null)
        {
            errors["/query/mode"] = ["mode must be 'hybrid', 'semantic' or 'lexical'."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["/query/limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (q is { Length: > 256 })
        {
            errors["/query/q"] = ["q must be at most 256 characters long."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        IReadOnlyList<string>? names = null;
        if (agent is not null)
        {
            var grant = await services.Agents.FindAsync(agent, cancellationToken);
            if (grant is null)
            {
                return Problems.NotFound("Agent", agent);
            }

            names = grant.Tools;
        }

        var found = await services.Search.FindAsync(
            new ToolQuery(q, tag, kindFilter, names, limit ?? DefaultLimit, searchMode!.Value), cancellationToken);
        return TypedResults.Ok(new ToolPage(found.Hits.Select(ToolResponse.From).ToList(), found.Mode, found.Degraded));
    }

    public static async Task<Results<Created<ToolResponse>, ValidationProblem, ProblemHttpResult>> CreateTool(
        CreateToolRequest request, [AsParameters] ToolServices services, CancellationToken cancellationToken)
    {
        var errors = ToolRules.Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (UnusableSchemas(request.InputSchema, request.OutputSchema) is { } unusable)
        {
            return unusable;
        }

        var now = services.Clock.GetUtcNow();
        var http = request.Http!;
        var tool = new Tool
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!,
            Description = request.Description ?? "",
            Kind = ToolKind.Http,
            InputSchema = JsonDocument.Parse(request.InputSchema!.Value.GetRawText()),
            OutputSchema = request.OutputSchema is { ValueKind: not JsonValueKind.Null } output ? JsonDocument.Parse(output.GetRawText()) : null,
            Config = HttpConfig(http),
            ProtectedSecrets = services.Secrets.Protect(http.Headers),
            Tags = [.. request.Tags ?? []],
            Enabled = request.Enabled ?? true,
            TimeoutMs = request.TimeoutMs ?? 30_000,
            CreatedAt = now,
            UpdatedAt = now,
        };
        tool.RefreshSearchText();
        services.Db.Tools.Add(tool);
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation(out _))
        {
            return NameTaken(tool.Name);
        }

        return TypedResults.Created($"/tools/{Uri.EscapeDataString(tool.Name)}", ToolResponse.From(tool));
    }

    public static async Task<Results<Ok<ToolResponse>, ProblemHttpResult>> GetTool(
        string idOrName, [AsParameters] ToolServices services, CancellationToken cancellationToken)
    {
        var tool = await services.Db.FindToolAsync(idOrName, tracking: false, cancellationToken);
        return tool is null ? Problems.NotFound("Tool", idOrName) : TypedResults.Ok(ToolResponse.From(tool));
    }

    public static async Task<Results<Ok<ToolResponse>, ValidationProblem, ProblemHttpResult>> UpdateTool(
        string idOrName, UpdateToolRequest request, [AsParameters] ToolServices services, CancellationToken cancellationToken)
    {
        var tool = await services.Db.FindToolAsync(idOrName, tracking: true, cancellationToken);
        if (tool is null)
        {
            return Problems.NotFound("Tool", idOrName);
        }

        var errors = ToolRules.Validate(request, tool);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (UnusableSchemas(request.InputSchema, request.OutputSchema) is { } unusable)
        {
            return unusable;
        }

        tool.Description = request.Description ?? tool.Description;
        if (request.InputSchema is { } input)
        {
            tool.InputSchema = JsonDocument.Parse(input.GetRawText());
        }

        if (request.OutputSchema is { } output)
        {
            tool.OutputSchema = output.ValueKind == JsonValueKind.Null ? null : JsonDocument.Parse(output.GetRawText());
        }

        if (request.Http is { } http)
        {
            tool.Config = HttpConfig(http);
            tool.ProtectedSecrets = services.Secrets.Protect(http.Headers);
        }

        tool.Tags = request.Tags is null ? tool.Tags : [.. request.Tags];
        tool.TimeoutMs = request.TimeoutMs ?? tool.TimeoutMs;
        tool.Enabled = request.Enabled ?? tool.Enabled;
        tool.UpdatedAt = services.Clock.GetUtcNow();
        tool.RefreshSearchText();
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToolResponse.From(tool));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTool(
        string idOrName, [AsParameters] ToolServices services, CancellationToken cancellationToken)
    {
        var tool = await services.Db.FindToolAsync(idOrName, tracking: true, cancellationToken);
        if (tool is null)
        {
            return Problems.NotFound("Tool", idOrName);
        }

        if (tool.Kind != ToolKind.Http)
        {
            return Problems.Problem(StatusCodes.Status409Conflict, "tool_not_deletable", "This tool cannot be deleted.",
                tool.Kind == ToolKind.Builtin
                    ? "Builtin tools ship with the service; disable it with PATCH { \"enabled\": false } instead."
                    : $"MCP tools follow their source; delete the source '{tool.SourceName}' or disable the tool.");
        }

        if (await ToolGrants.RevokeAsync(services.Agents, [tool.Name], cancellationToken) is { } unavailable)
        {
            return unavailable;
        }

        services.Db.Tools.Remove(tool);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Internal: which of these names are registered and enabled. One query for a whole agent's tool list.</summary>
    public static async Task<Results<Ok<ToolLookupResponse>, ValidationProblem>> LookupTools(
        ToolLookupRequest request, [AsParameters] ToolServices services, CancellationToken cancellationToken)
    {
        if (request.Names is null || request.Names.Any(n => n is null))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["/names"] = ["A list of tool names is required."] });
        }

        var names = request.Names.Distinct(StringComparer.Ordinal).ToList();
        var found = await services.Db.Tools.AsNoTracking()
            .Where(t => names.Contains(t.Name) && t.Enabled)
            .Select(t => t.Name)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ToolLookupResponse(found, names.Except(found).ToList()));
    }

    private static JsonDocument HttpConfig(HttpToolSpec http) => JsonSerializer.SerializeToDocument(
        new HttpToolConfig(http.Url!, (http.Method ?? "POST").ToUpperInvariant(), http.Headers?.Keys.Order().ToList() ?? [], http.Idempotent),
        JsonSerializerOptions.Web);

    private static ProblemHttpResult? UnusableSchemas(JsonElement? inputSchema, JsonElement? outputSchema) =>
        ToolRules.ValidateSchemas(inputSchema, outputSchema) is { Count: > 0 } errors
            ? Problems.Problem(StatusCodes.Status422UnprocessableEntity, InvalidSchema, "The tool's schema cannot be used.",
                "Each entry of 'errors' names the part of the schema that would fail every call.",
                new Dictionary<string, object?> { ["errors"] = errors })
            : null;

    private static ProblemHttpResult NameTaken(string name) =>
        Problems.Problem(StatusCodes.Status409Conflict, ToolNameTaken, "A tool with this name already exists.", $"The name '{name}' is taken.");
}
