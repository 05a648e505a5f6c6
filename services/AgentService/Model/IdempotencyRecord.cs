namespace AgentOrchestration.AgentService.Model;

/// <summary>
/// The first response to a create carrying an Idempotency-Key, stored in the same transaction as the agent,
/// so a retry gets that response back instead of a 409. Keys are scoped by caller: another caller's use of the
/// same key is a different request, never a replay of (or a 422 naming) someone else's agent.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>Who used the key (<see cref="Services.IdempotencyKeys.ScopeOf"/>).</summary>
    public required string Scope { get; set; }

    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public Guid AgentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
