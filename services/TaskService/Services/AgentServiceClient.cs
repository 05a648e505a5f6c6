using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.TaskService.Services;

/// <summary>The AgentService's internal API, through service discovery: who a task runs as.</summary>
public sealed class AgentServiceClient(HttpClient http)
{
    /// <summary>The agent, or null when no agent has that id or name.</summary>
    public async Task<AgentResponse?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        // No agent has a longer name, and asking would put the whole string into a URL the AgentService refuses.
        if (idOrName.Length > AgentRules.MaxNameLength && !AgentRules.LooksLikeId(idOrName))
        {
            return null;
        }

        using var response = await http.GetAsync($"/agents/{Uri.EscapeDataString(idOrName)}", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AgentResponse>(JsonSerializerOptions.Web, cancellationToken);
    }
}
