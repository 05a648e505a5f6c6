using Microsoft.AspNetCore.Http;

namespace AgentOrchestration.ServiceCommon.Security;

/// <summary>
/// The caller as the gateway authenticated it, read from the headers the gateway sets. A request without them came
/// from inside the app (another service), which acts with full rights.
/// </summary>
/// <param name="KeyId">The presented key's id (absent for the admin key, which has no record).</param>
public sealed record Caller(string? Role, Guid? AgentId, string? AgentName, Guid? KeyId = null)
{
    public bool IsAgent => Role == Contracts.Roles.Agent;

    public static Caller From(HttpRequest request)
    {
        var headers = request.Headers;
        return new Caller(
            headers[InternalHeaders.CallerRole].FirstOrDefault(),
            Guid.TryParse(headers[InternalHeaders.CallerAgentId].FirstOrDefault(), out var id) ? id : null,
            headers[InternalHeaders.CallerAgentName].FirstOrDefault(),
            Guid.TryParse(headers[InternalHeaders.CallerKeyId].FirstOrDefault(), out var keyId) ? keyId : null);
    }

    /// <summary>Whether this caller may act as (or see the things of) the agent with this id.</summary>
    public bool MayActAs(Guid agentId) => !IsAgent || AgentId == agentId;

    /// <summary>
    /// Whether an agent reference names this caller's own agent: a reference that parses as an id (any Guid form) is
    /// compared with the caller's id only, anything else with its name, exactly as the AgentService looks agents up.
    /// So an agent named like another agent's id can never pass as that agent.
    /// </summary>
    public bool IsSelf(string idOrName) => Guid.TryParse(idOrName, out var id)
        ? AgentId == id
        : AgentName is not null && Contracts.AgentRules.NormalizeName(idOrName) == AgentName;
}
