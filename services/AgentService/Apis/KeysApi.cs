using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.AgentService.Model;
using AgentOrchestration.AgentService.Services;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Apis;

/// <summary>
/// API keys: an agent's key (created with the agent, rotated here), viewer keys, and the gateway's lookup of a key's
/// owner. The gateway decides who may call what; this service only stores hashes and answers "whose key is this".
/// </summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/agents/{idOrName}/keys", RotateAgentKey).WithName("RotateAgentKey").WithTags("Agents");

        var keys = app.MapGroup("/api-keys").WithTags("API keys");
        keys.MapPost("/", CreateViewerKey).WithName("CreateApiKey");
        keys.MapGet("/", ListKeys).WithName("ListApiKeys");
        keys.MapDelete("/{id:guid}", DeleteKey).WithName("DeleteApiKey");

        app.MapPost("/internal/keys/resolve", Resolve).ExcludeFromDescription();
        return app;
    }

    public static ApiKey NewKey(string key, string name, string role, Guid? agentId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Hash = ApiKeys.Hash(key),
        Name = name,
        Role = role,
        AgentId = agentId,
        CreatedAt = now,
    };

    public const string RotationConflict = "key_rotation_conflict";

    /// <summary>
    /// Replaces the agent's key: the old one stops working in the same commit that creates the new one. Exactly one of
    /// concurrent rotations wins; the others get 409 and no key. An agent's own rotation replaces the key it presented,
    /// so once one rotation with that key has won, every other rotation with it is a 409 whatever the timing. An admin's
    /// rotation replaces the key it read, so rotations that raced on the same key lose with 409.
    /// </summary>
    public static async Task<Results<Created<ApiKeyResponse>, ProblemHttpResult>> RotateAgentKey(
        string idOrName, [AsParameters] AgentServices services, HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.From(request);
        var agent = await services.Db.FindAsync(idOrName, cancellationToken);
        if (agent is null || !caller.MayActAs(agent.Id))
        {
            return Problems.NotFound("Agent", idOrName);
        }

        var replaced = services.Db.ApiKeys.Where(k => k.AgentId == agent.Id);
        if (caller.IsAgent)
        {
            replaced = replaced.Where(k => k.Id == caller.KeyId);
        }

        var old = await replaced.ToListAsync(cancellationToken);
        if (caller.IsAgent && old.Count == 0)
        {
            return RotatedAlready();
        }

        var now = services.Clock.GetUtcNow();
        var secret = ApiKeys.Generate();
        var key = NewKey(secret, agent.Name, Roles.Agent, agent.Id, now);
        // One SaveChanges is one transaction: the old key is deleted (the DELETE must find it) and the new one inserted
        // together; the unique index on agent_id stops two rotations that found no key from both inserting one.
        services.Db.ApiKeys.RemoveRange(old);
        services.Db.ApiKeys.Add(key);
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RotatedAlready();
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation(out _))
        {
            return RotatedAlready();
        }

        await services.Publisher.PublishAsync(agent.Id, agent.Name, AgentChanged.KeyRotated);
        return TypedResults.Created($"/api-keys/{key.Id}", ToResponse(key) with { ApiKey = secret });
    }

    private static ProblemHttpResult RotatedAlready() =>
        Problems.Problem(StatusCodes.Status409Conflict, RotationConflict, "The key was rotated at the same time.",
            "Another rotation of this agent's key won, so the key this request would have replaced is gone; no new key was made. "
            + "Rotate again with the current key if you need one you hold.");

    public static async Task<Results<Created<ApiKeyResponse>, ValidationProblem>> CreateViewerKey(
        CreateApiKeyRequest request, [AsParameters] AgentServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 64)
        {
            errors["/name"] = ["A name of 1 to 64 characters is required."];
        }

        if (request.Role is not (null or Roles.Viewer))
        {
            errors["/role"] = ["Only viewer keys are created here; agent keys come with their agent, and the admin key is configured."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var secret = ApiKeys.Generate();
        var key = NewKey(secret, request.Name!.Trim(), Roles.Viewer, null, services.Clock.GetUtcNow());
        services.Db.ApiKeys.Add(key);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api-keys/{key.Id}", ToResponse(key) with { ApiKey = secret });
    }

    public static async Task<Ok<List<ApiKeyResponse>>> ListKeys(AgentsDbContext db, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(keys.Select(ToResponse).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteKey(
        Guid id, [AsParameters] AgentServices services, CancellationToken cancellationToken)
    {
        if (await services.Db.ApiKeys.Where(k => k.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return Problems.NotFound("API key", id.ToString());
        }

        // Gateways cache resolved keys; the change notice makes them forget this one now rather than at expiry.
        await services.Publisher.PublishAsync(id, "", AgentChanged.KeyRevoked);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<ResolvedKey>, NotFound>> Resolve(
        ResolveKeyRequest request, AgentsDbContext db, CancellationToken cancellationToken)
    {
        var resolved = await (
            from key in db.ApiKeys.AsNoTracking()
            where key.Hash == request.Hash
            join agent in db.Agents on key.AgentId equals agent.Id into owners
            from agent in owners.DefaultIfEmpty()
            select new ResolvedKey(key.Id, key.Role, key.AgentId, agent == null ? null : agent.Name, agent == null ? null : agent.Status))
            .FirstOrDefaultAsync(cancellationToken);
        return resolved is null ? TypedResults.NotFound() : TypedResults.Ok(resolved);
    }

    private static ApiKeyResponse ToResponse(ApiKey key) => new(key.Id, key.Name, key.Role, key.AgentId, key.CreatedAt);
}
