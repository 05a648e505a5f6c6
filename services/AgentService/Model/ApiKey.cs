namespace AgentOrchestration.AgentService.Model;

/// <summary>
/// A viewer's or an agent's API key. Only the SHA-256 of the key is stored; the key itself is shown once, in the
/// response that created it. An agent has exactly one live key: rotation replaces it in one transaction.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public required string Hash { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public Guid? AgentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
