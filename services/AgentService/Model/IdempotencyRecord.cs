namespace AgentOrchestration.AgentService.Model;

/// <summary>
/// The first response to a create carrying an Idempotency-Key, stored in the same transaction as the agent,
/// so a retry gets that response back instead of a 409.
/// </summary>
public sealed class IdempotencyRecord
{
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public Guid AgentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
