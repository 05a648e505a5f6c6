using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ToolService.Invocation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOrchestration.ToolService.Apis;

/// <summary>The grant clean-up every tool deletion does first.</summary>
public static class ToolGrants
{
    /// <summary>
    /// Revokes the names from every agent, or returns the 503 that stops the deletion: a tool is deleted only once no
    /// agent holds it, so a later tool with its name starts ungranted. Revoking first means a failure leaves the tool
    /// in place (retry the DELETE), never a deleted tool whose name is still granted.
    /// </summary>
    public static async Task<ProblemHttpResult?> RevokeAsync(AgentDirectory agents, IReadOnlyList<string> tools, CancellationToken cancellationToken)
    {
        try
        {
            await agents.RevokeGrantsAsync(tools, cancellationToken);
            return null;
        }
        catch (HttpRequestException)
        {
            return Problems.Problem(StatusCodes.Status503ServiceUnavailable, Problems.DependencyUnavailable, "The AgentService is unavailable.",
                "Agents' grants of the tool could not be removed, so nothing was deleted. Try again shortly.");
        }
    }
}
