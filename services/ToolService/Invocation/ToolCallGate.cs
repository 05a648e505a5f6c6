using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>A call that may proceed, or the problem that stops it.</summary>
public sealed record GateDecision(Tool? Tool, JsonElement Arguments, IResult? Problem);

/// <summary>
/// Everything checked before a tool runs, in the order a caller can act on: the tool exists; the agent exists,
/// is active and lists the tool; the tool is enabled; the arguments satisfy its input schema.
/// </summary>
public sealed class ToolCallGate(ToolsDbContext db, AgentDirectory agents, ToolSchemas schemas)
{
    public const string AgentInactive = "agent_inactive";
    public const string ToolNotAllowed = "tool_not_allowed";
    public const string ToolDisabled = "tool_disabled";
    public const string InvalidArguments = "invalid_arguments";
    public const string SchemaUnusable = "tool_schema_unusable";

    /// <param name="agent">The calling agent; null only for trusted callers with no agent identity.</param>
    public async Task<GateDecision> CheckAsync(string toolName, string? agent, JsonElement? arguments, CancellationToken cancellationToken)
    {
        var args = arguments ?? JsonSerializer.SerializeToElement(new { });
        var tool = await db.Tools.AsNoTracking().FirstOrDefaultAsync(t => t.Name == toolName, cancellationToken);
        if (tool is null)
        {
            return Deny(Problems.NotFound("Tool", toolName));
        }

        if (agent is not null)
        {
            AgentGrant? grant;
            try
            {
                grant = await agents.FindAsync(agent, cancellationToken);
            }
            catch (HttpRequestException)
            {
                // A 503 says "try again": the engine repeats the call once the AgentService is back.
                return Deny(Problems.Problem(StatusCodes.Status503ServiceUnavailable, Problems.DependencyUnavailable,
                    "The AgentService is unavailable.", "Whether the agent may call this tool cannot be checked now. Try again shortly."));
            }

            if (grant is null)
            {
                return Deny(Problems.NotFound("Agent", agent));
            }

            if (grant.Status != AgentStatus.Active)
            {
                return Deny(Problems.Problem(StatusCodes.Status409Conflict, AgentInactive, "The agent is inactive.",
                    $"Agent '{grant.Name}' must be active to call tools."));
            }

            if (!grant.Tools.Contains(tool.Name))
            {
                return Deny(Problems.Problem(StatusCodes.Status403Forbidden, ToolNotAllowed, "The agent may not use this tool.",
                    $"Agent '{grant.Name}' does not list '{tool.Name}' among its tools.",
                    new Dictionary<string, object?> { ["tool"] = tool.Name, ["agent"] = grant.Name }));
            }
        }

        if (!tool.Enabled)
        {
            return Deny(Problems.Problem(StatusCodes.Status409Conflict, ToolDisabled, "The tool is disabled.",
                $"Tool '{tool.Name}' is disabled{(tool.SourceName is null ? "" : $"; its source '{tool.SourceName}' no longer lists it")}."));
        }

        Dictionary<string, string[]> errors;
        try
        {
            errors = schemas.Validate(tool.Id, tool.UpdatedAt, tool.InputSchema.RootElement, args);
        }
        catch (Exception ex) when (ex is Json.Schema.JsonSchemaException or ArgumentException)
        {
            // Only a schema stored before schemas were checked on registration and sync can get here.
            return Deny(Problems.Problem(StatusCodes.Status422UnprocessableEntity, SchemaUnusable, "The tool's input schema cannot be used.",
                StorableJson.Clean(ex.Message)));
        }

        if (errors.Count > 0)
        {
            return Deny(Problems.Problem(StatusCodes.Status422UnprocessableEntity, InvalidArguments,
                "The arguments do not match the tool's input schema.", null,
                new Dictionary<string, object?> { ["errors"] = errors }));
        }

        return new GateDecision(tool, args, null);
    }

    private static GateDecision Deny(IResult problem) => new(null, default, problem);
}
