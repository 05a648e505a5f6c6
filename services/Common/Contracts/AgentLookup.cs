using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentOrchestration.ServiceCommon.Contracts;

/// <summary>How every service asks the AgentService for an agent (GET /agents/{id or name}).</summary>
public static class AgentLookup
{
    /// <summary>
    /// False for a reference longer than any name that is not an id: no agent has it, and asking would put the whole
    /// string into a URL the AgentService refuses.
    /// </summary>
    public static bool MayExist(string idOrName) => idOrName.Length <= AgentRules.MaxNameLength || AgentRules.LooksLikeId(idOrName);

    /// <summary>The agent, or null when no agent has that id or name.</summary>
    public static async Task<AgentResponse?> FindAgentAsync(this HttpClient agentService, string idOrName, CancellationToken cancellationToken)
    {
        if (!MayExist(idOrName))
        {
            return null;
        }

        using var response = await agentService.GetAsync($"/agents/{Uri.EscapeDataString(idOrName)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AgentResponse>(JsonSerializerOptions.Web, cancellationToken);
    }
}
