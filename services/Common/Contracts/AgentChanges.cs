namespace AgentOrchestration.ServiceCommon.Contracts;

/// <summary>
/// Published on Redis pub/sub after every committed agent change, so caches of "which tools may agent X use"
/// in other services drop the entry at once instead of waiting for it to expire.
/// </summary>
public sealed record AgentChanged(Guid Id, string Name, string Change)
{
    public const string Channel = "agents:changed";
}
