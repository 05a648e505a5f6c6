using AgentOrchestration.ServiceCommon;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOrchestration.ApiService.Services;

public static class ToolChecks
{
    public const string UnknownToolsCode = "unknown_tools";

    /// <summary>422 naming each tool the registry does not know, or null when all are known.</summary>
    public static async Task<ProblemHttpResult?> CheckToolsExistAsync(
        this ToolServiceClient tools, IReadOnlyList<string>? names, CancellationToken cancellationToken)
    {
        if (names is not { Count: > 0 })
        {
            return null;
        }

        var lookup = await tools.LookupAsync(names, cancellationToken);
        if (lookup.Missing.Count == 0)
        {
            return null;
        }

        var errors = names.Select((name, index) => (name, index))
            .Where(t => lookup.Missing.Contains(t.name))
            .ToDictionary(t => $"/tools/{t.index}", t => new[] { $"No tool named '{t.name}' is registered." });
        return Problems.Problem(StatusCodes.Status422UnprocessableEntity, UnknownToolsCode,
            "Some tools are not registered.", $"Unknown tools: {string.Join(", ", lookup.Missing)}.",
            new Dictionary<string, object?> { ["unknownTools"] = lookup.Missing, ["errors"] = errors });
    }

    public static IResult Unavailable(string service) => Problems.Unavailable($"The {service} is unavailable.", "Try again shortly.");
}
