using System.Security.Claims;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;

namespace AgentOrchestration.ApiService.Security;

/// <summary>The claims an authenticated key carries, and the caller they describe.</summary>
public static class CallerClaims
{
    public const string Role = "role";
    public const string KeyId = "key_id";
    public const string AgentId = "agent_id";
    public const string AgentName = "agent_name";

    public static ClaimsPrincipal Principal(string keyId, string role, Guid? agentId = null, string? agentName = null)
    {
        var claims = new List<Claim> { new(KeyId, keyId), new(Role, role) };
        if (agentId is { } id)
        {
            claims.Add(new Claim(AgentId, id.ToString()));
        }

        if (agentName is not null)
        {
            claims.Add(new Claim(AgentName, agentName));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthentication.SchemeName, AgentName, Role));
    }

    public static Caller ToCaller(this ClaimsPrincipal user) => new(
        user.FindFirstValue(Role),
        Guid.TryParse(user.FindFirstValue(AgentId), out var id) ? id : null,
        user.FindFirstValue(AgentName),
        Guid.TryParse(user.FindFirstValue(KeyId), out var keyId) ? keyId : null);

    public static bool IsAgent(this ClaimsPrincipal user) => user.IsInRole(Roles.Agent);
}
