using AgentOrchestration.AgentService.Model;
using AgentOrchestration.AgentService.Services;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Apis;

public static class AgentsApi
{
    public static RouteGroupBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/agents").WithTags("Agents");
        api.MapPost("/", CreateAgent).WithName("CreateAgent");
        api.MapGet("/", AgentQueries.ListAgents).WithName("ListAgents");
        api.MapGet("/{idOrName}", GetAgent).WithName("GetAgent");
        api.MapPatch("/{idOrName}", UpdateAgent).WithName("UpdateAgent");
        api.MapDelete("/{idOrName}", DeleteAgent).WithName("DeleteAgent");
        return api;
    }

    public static async Task<Results<Created<AgentResponse>, ValidationProblem, ProblemHttpResult>> CreateAgent(
        CreateAgentRequest request,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        [AsParameters] AgentServices services,
        HttpRequest httpRequest,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var errors = AgentRules.Validate(request);
        IdempotencyKeys.Validate(idempotencyKey, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var scope = IdempotencyKeys.ScopeOf(Caller.From(httpRequest));
        var requestHash = idempotencyKey is null ? null : IdempotencyKeys.Hash(request);
        if (idempotencyKey is not null && await IdempotencyKeys.ReplayAsync(services.Db, scope, idempotencyKey, requestHash!, cancellationToken) is { } replay)
        {
            return Created(replay, response);
        }

        var now = services.Clock.GetUtcNow();
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(now),
            Name = AgentRules.NormalizeName(request.Name!),
            Description = request.Description,
            Status = request.Status ?? AgentStatus.Active,
            Tools = AgentRules.NormalizeTools(request.Tools),
            Labels = request.Labels ?? new Dictionary<string, string>(),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        services.Db.Agents.Add(agent);
        var apiKey = ApiKeys.Generate();
        services.Db.ApiKeys.Add(KeysApi.NewKey(apiKey, agent.Name, Roles.Agent, agent.Id, now));
        if (idempotencyKey is not null)
        {
            services.Db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                Scope = scope, Key = idempotencyKey, RequestHash = requestHash!, AgentId = agent.Id, CreatedAt = now,
            });
        }

        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation(out _))
        {
            services.Db.ChangeTracker.Clear();
            // Two retries of one request raced (on the name or on the key): the loser answers with the winner's response.
            if (idempotencyKey is not null
                && await IdempotencyKeys.ReplayAsync(services.Db, scope, idempotencyKey, requestHash!, cancellationToken) is { } raced)
            {
                return Created(raced, response);
            }

            return AgentProblems.NameTaken(agent.Name);
        }

        await services.Publisher.PublishAsync(agent.Id, agent.Name, AgentChanged.Created);
        return Created(agent.ToResponse() with { ApiKey = apiKey }, response);
    }

    public static async Task<Results<Ok<AgentResponse>, ProblemHttpResult>> GetAgent(
        string idOrName, [AsParameters] AgentServices services, HttpResponse response, CancellationToken cancellationToken)
    {
        var agent = await services.Db.FindAsync(idOrName, cancellationToken);
        if (agent is null)
        {
            return Problems.NotFound("Agent", idOrName);
        }

        response.Headers.ETag = agent.ToResponse().ETag;
        return TypedResults.Ok(agent.ToResponse());
    }

    /// <summary>
    /// A partial update. Writers of one agent take turns on its row lock: without If-Match the last writer wins (nothing
    /// was stale from the caller's view); with If-Match only a writer that saw the current version does.
    /// </summary>
    public static async Task<Results<Ok<AgentResponse>, ValidationProblem, ProblemHttpResult>> UpdateAgent(
        string idOrName,
        UpdateAgentRequest request,
        [AsParameters] AgentServices services,
        HttpRequest httpRequest,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var errors = AgentRules.Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var write = await services.Db.WriteLockedAsync(idOrName, httpRequest, agent =>
        {
            agent.Name = request.Name is null ? agent.Name : AgentRules.NormalizeName(request.Name);
            agent.Description = request.Description ?? agent.Description;
            agent.Status = request.Status ?? agent.Status;
            agent.Tools = request.Tools is null ? agent.Tools : AgentRules.NormalizeTools(request.Tools);
            agent.Labels = request.Labels ?? agent.Labels;
            agent.Version++;
            agent.UpdatedAt = services.Clock.GetUtcNow();
        }, cancellationToken);
        if (write.Problem is not null)
        {
            return write.Problem;
        }

        await services.Publisher.PublishAsync(write.Agent!.Id, write.Agent.Name, AgentChanged.Updated);
        var updated = write.Agent.ToResponse();
        response.Headers.ETag = updated.ETag;
        return TypedResults.Ok(updated);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAgent(
        string idOrName, [AsParameters] AgentServices services, HttpRequest httpRequest, CancellationToken cancellationToken)
    {
        var write = await services.Db.WriteLockedAsync(idOrName, httpRequest, agent => services.Db.Agents.Remove(agent), cancellationToken);
        if (write.Problem is not null)
        {
            return write.Problem;
        }

        // The engine cancels the deleted agent's unfinished tasks on this notice (they belong to this id, never to a name).
        await services.Publisher.PublishAsync(write.Agent!.Id, write.Agent.Name, AgentChanged.Deleted);
        return TypedResults.NoContent();
    }

    private static Created<AgentResponse> Created(AgentResponse agent, HttpResponse response)
    {
        response.Headers.ETag = agent.ETag;
        return TypedResults.Created($"/agents/{agent.Id}", agent);
    }
}
