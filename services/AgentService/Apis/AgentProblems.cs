using AgentOrchestration.ServiceCommon;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOrchestration.AgentService.Apis;

public static class AgentProblems
{
    public const string NameTakenCode = "agent_name_taken";

    public static ProblemHttpResult NameTaken(string name) =>
        Problems.Problem(StatusCodes.Status409Conflict, NameTakenCode, "An agent with this name already exists.",
            $"The name '{name}' is taken; names are unique regardless of case.",
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["/name"] = ["The name is taken."] } });

    public static ProblemHttpResult StaleETag(string? currentETag) =>
        Problems.Problem(StatusCodes.Status412PreconditionFailed, Problems.PreconditionFailed,
            "The agent has changed since you read it.",
            "Read the agent again and retry with its current ETag in If-Match.",
            currentETag is null ? null : new Dictionary<string, object?> { ["currentETag"] = currentETag });
}
