using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;

namespace AgentOrchestration.AgentService.Tests;

/// <summary>The caller headers the gateway sets, for tests that act as a given caller.</summary>
internal static class CallerHeaders
{
    public static HttpRequestMessage AsAdmin(this HttpRequestMessage request)
    {
        request.Headers.Add(InternalHeaders.CallerRole, Roles.Admin);
        return request;
    }

    public static HttpRequestMessage AsAgent(this HttpRequestMessage request, Guid agentId, string name, Guid keyId)
    {
        request.Headers.Add(InternalHeaders.CallerRole, Roles.Agent);
        request.Headers.Add(InternalHeaders.CallerAgentId, agentId.ToString());
        request.Headers.Add(InternalHeaders.CallerAgentName, name);
        request.Headers.Add(InternalHeaders.CallerKeyId, keyId.ToString());
        return request;
    }
}
