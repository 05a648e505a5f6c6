using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Apis;

public static class AgentQueries
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>
    /// Agents ordered by name, a page at a time. The cursor is the last name of the previous page (keyset paging),
    /// so pages stay consistent while agents are added and each page is an index range scan.
    /// </summary>
    public static async Task<Results<Ok<AgentPage>, ValidationProblem>> ListAgents(
        [AsParameters] AgentServices services,
        int? limit,
        string? cursor,
        string? status,
        string? tool,
        string? label,
        string? q,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            errors["/query/limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        AgentStatus? statusFilter = status switch
        {
            null => null,
            "active" => AgentStatus.Active,
            "inactive" => AgentStatus.Inactive,
            _ => Invalid(errors, "/query/status", "status must be 'active' or 'inactive'."),
        };
        var after = DecodeCursor(cursor, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var agents = services.Db.Agents.AsNoTracking();
        if (statusFilter is { } s)
        {
            agents = agents.Where(a => a.Status == s);
        }

        if (!string.IsNullOrEmpty(tool))
        {
            agents = agents.Where(a => a.Tools.Contains(tool));
        }

        if (!string.IsNullOrEmpty(label))
        {
            // "key=value" matches exactly; "key" matches any value.
            var keyPrefix = label + "=";
            agents = label.Contains('=')
                ? agents.Where(a => a.LabelPairs.Contains(label))
                : agents.Where(a => a.LabelPairs.Any(p => p.StartsWith(keyPrefix)));
        }

        if (!string.IsNullOrEmpty(q))
        {
            var prefix = AgentRules.NormalizeName(q);
            agents = agents.Where(a => a.Name.StartsWith(prefix));
        }

        if (after is not null)
        {
            agents = agents.Where(a => string.Compare(a.Name, after) > 0);
        }

        var page = await agents.OrderBy(a => a.Name).Take(take + 1).ToListAsync(cancellationToken);
        var next = page.Count > take ? EncodeCursor(page[take - 1].Name) : null;
        return TypedResults.Ok(new AgentPage(page.Take(take).Select(a => a.ToResponse()).ToList(), next));
    }

    private static AgentStatus? Invalid(Dictionary<string, string[]> errors, string path, string message)
    {
        errors[path] = [message];
        return null;
    }

    private static string EncodeCursor(string name) => PageCursor.Encode(name);

    private static string? DecodeCursor(string? cursor, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        if (PageCursor.TryDecode(cursor, out var name))
        {
            return name;
        }

        errors["/query/cursor"] = ["cursor is not one this API returned."];
        return null;
    }
}
