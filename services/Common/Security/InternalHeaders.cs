using System.Net.Http.Headers;

namespace AgentOrchestration.ServiceCommon.Security;

/// <summary>
/// Headers only the gateway may set. The internal credential proves a request comes from inside the app; the caller
/// headers carry who the gateway authenticated, and the gateway strips any copy a client sends.
/// </summary>
public static class InternalHeaders
{
    public const string Credential = "X-Internal-Key";
    public const string CallerRole = "X-Caller-Role";
    public const string CallerAgentId = "X-Caller-Agent-Id";
    public const string CallerAgentName = "X-Caller-Agent";
    public const string CallerKeyId = "X-Caller-Key-Id";

    public static readonly string[] Caller = [CallerRole, CallerAgentId, CallerAgentName, CallerKeyId];

    /// <summary>Replaces any caller headers with this caller's (the gateway's one way of saying who asked).</summary>
    public static void SetCaller(HttpHeaders headers, Security.Caller caller)
    {
        foreach (var header in Caller)
        {
            headers.Remove(header);
        }

        if (caller.Role is not null)
        {
            headers.TryAddWithoutValidation(CallerRole, caller.Role);
        }

        if (caller.AgentId is { } agentId)
        {
            headers.TryAddWithoutValidation(CallerAgentId, agentId.ToString());
            headers.TryAddWithoutValidation(CallerAgentName, caller.AgentName);
        }

        if (caller.KeyId is { } keyId)
        {
            // Lets a service tell which key an agent presented (a rotation replaces that key and no other).
            headers.TryAddWithoutValidation(CallerKeyId, keyId.ToString());
        }
    }
}
