using Microsoft.AspNetCore.Http;

namespace AgentOrchestration.ServiceCommon.Security;

/// <summary>
/// The caller as the gateway authenticated it, read from the headers the gateway sets. A request without them came
/// from inside the app (another service), which acts with full rights.
/// </summary>
public sealed record Caller(string? Role, Guid? AgentId, string? AgentName)
{
    public bool IsAgent => Role == Contracts.Roles.Agent;

    public static Caller From(HttpRequest request)
    {
        var headers = request.Headers;
        return new Caller(
            headers[InternalHeaders.CallerRole].FirstOrDefault(),
            Guid.TryParse(headers[InternalHeaders.CallerAgentId].FirstOrDefault(), out var id) ? id : null,
            headers[InternalHeaders.CallerAgentName].FirstOrDefault());
    }

    /// <summary>Whether this caller may act as (or see the things of) the agent with this id.</summary>
    public bool MayActAs(Guid agentId) => !IsAgent || AgentId == agentId;

    /// <summary>Whether an agent reference (its id or its name, in any case) names this caller's own agent.</summary>
    public bool IsSelf(string idOrName) =>
        idOrName.Equals(AgentName, StringComparison.OrdinalIgnoreCase)
        || idOrName.Equals(AgentId?.ToString(), StringComparison.OrdinalIgnoreCase);
}
