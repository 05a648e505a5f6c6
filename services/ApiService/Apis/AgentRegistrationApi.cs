using System.Security.Claims;
using System.Text.Json;
using AgentOrchestration.ApiService.Security;
using AgentOrchestration.ApiService.Services;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.AspNetCore.Mvc;

namespace AgentOrchestration.ApiService.Apis;

/// <summary>
/// The agent writes that need the ToolService's word first (every listed tool must exist). Reads and deletes go
/// straight through the gateway to the AgentService.
/// </summary>
public static class AgentRegistrationApi
{
    public static IEndpointRouteBuilder MapAgentRegistrationApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/register-agent", RegisterAgent).WithName("RegisterAgent").WithTags("Agents").RequireAuthorization(Policies.Admin)
            .Produces<RegisterAgentResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        app.MapPost("/agents", CreateAgent).WithName("CreateAgent").WithTags("Agents").RequireAuthorization(Policies.Admin)
            .Produces<AgentResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        app.MapPatch("/agents/{idOrName}", UpdateAgent).WithName("UpdateAgent").WithTags("Agents").RequireAuthorization(Policies.Admin)
            .Produces<AgentResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    public static async Task<IResult> RegisterAgent(
        RegisterAgentRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        AgentServiceClient agents,
        ToolServiceClient tools,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var create = new CreateAgentRequest(request.Name, request.Description, null, request.Tools, request.Labels);
        var response = await CreateCheckedAsync(create, idempotencyKey, user.ToCaller(), agents, tools, cancellationToken);
        if (response is not RelayedResult relayed || !relayed.IsCreated(out var created))
        {
            return response;
        }

        relayed.Dispose();
        var agent = created.Deserialize<AgentResponse>(JsonSerializerOptions.Web)!;
        return TypedResults.Created($"/agents/{agent.Id}",
            new RegisterAgentResponse(agent.Id, agent.Name, agent.Status, agent.Tools, agent.CreatedAt, agent.ApiKey, agent.ApiKeyNotice));
    }

    public static Task<IResult> CreateAgent(
        CreateAgentRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        AgentServiceClient agents,
        ToolServiceClient tools,
        ClaimsPrincipal user,
        CancellationToken cancellationToken) =>
        CreateCheckedAsync(request, idempotencyKey, user.ToCaller(), agents, tools, cancellationToken);

    public static async Task<IResult> UpdateAgent(
        string idOrName,
        UpdateAgentRequest request,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        AgentServiceClient agents,
        ToolServiceClient tools,
        CancellationToken cancellationToken)
    {
        if (await RejectAsync(AgentRules.Validate(request), request.Tools, tools, cancellationToken) is { } rejected)
        {
            return rejected;
        }

        return new RelayedResult(await agents.UpdateAsync(idOrName, request, ifMatch, cancellationToken));
    }

    /// <summary>Validate the shape, then the tools, then let the AgentService create (and enforce uniqueness).</summary>
    private static async Task<IResult> CreateCheckedAsync(
        CreateAgentRequest request, string? idempotencyKey, Caller caller, AgentServiceClient agents, ToolServiceClient tools,
        CancellationToken cancellationToken)
    {
        if (await RejectAsync(AgentRules.Validate(request), request.Tools, tools, cancellationToken) is { } rejected)
        {
            return rejected;
        }

        try
        {
            return new RelayedResult(await agents.CreateAsync(request, idempotencyKey, caller, cancellationToken));
        }
        catch (HttpRequestException)
        {
            return ToolChecks.Unavailable("AgentService");
        }
    }

    /// <summary>400 for invalid fields, else 422 for unknown tools (503 when the ToolService cannot say), else null.</summary>
    private static async Task<IResult?> RejectAsync(
        Dictionary<string, string[]> errors, IReadOnlyList<string>? toolNames, ToolServiceClient tools, CancellationToken cancellationToken)
    {
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        try
        {
            return await tools.CheckToolsExistAsync(toolNames, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return ToolChecks.Unavailable("ToolService");
        }
    }
}
