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
}
