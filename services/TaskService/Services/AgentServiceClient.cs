using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.TaskService.Services;

/// <summary>The AgentService's internal API, through service discovery: who a task runs as.</summary>
public sealed class AgentServiceClient(HttpClient http)
{
    /// <summary>The agent, or null when no agent has that id or name.</summary>
    public Task<AgentResponse?> FindAsync(string idOrName, CancellationToken cancellationToken) =>
        http.FindAgentAsync(idOrName, cancellationToken);
}
