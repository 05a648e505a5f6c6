using System.Buffers.Text;
using System.Text;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.ServiceCommon.Security;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.ServiceCommon;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Apis;

public static class TaskQueries
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>Tasks, newest first, filtered by agent, status and creation time; keyset-paged.</summary>
    public static async Task<Results<Ok<TaskPage>, ValidationProblem>> ListTasks(
        TasksDbContext db, string? agent, string? status, DateTimeOffset? since, DateTimeOffset? until, int? limit, string? cursor,
        HttpRequest request, CancellationToken cancellationToken)
    {
        // An agent key lists its own tasks, whatever agent it asked for.
        var caller = Caller.From(request);
        agent = caller.IsAgent ? caller.AgentId.ToString() : agent;
        var errors = new Dictionary<string, string[]>();
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            errors["/query/limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (status is not null && !TaskStatuses.All.Contains(status))
        {
            errors["/query/status"] = [$"status must be one of {string.Join(", ", TaskStatuses.All)}."];
        }

        var after = DecodeCursor(cursor, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var tasks = db.Tasks.AsNoTracking();
        if (agent is not null)
        {
            var name = agent.ToLowerInvariant();
            tasks = Guid.TryParse(agent, out var agentId) ? tasks.Where(t => t.AgentId == agentId) : tasks.Where(t => t.AgentName == name);
        }

        if (status is not null)
        {
            tasks = tasks.Where(t => t.Status == status);
        }

        if (since is { } from)
        {
            tasks = tasks.Where(t => t.CreatedAt >= from);
        }

        if (until is { } to)
        {
            tasks = tasks.Where(t => t.CreatedAt < to);
        }

        if (after is { } c)
        {
            tasks = tasks.Where(t => t.CreatedAt < c.CreatedAt || (t.CreatedAt == c.CreatedAt && t.Id.CompareTo(c.Id) < 0));
        }

        var page = await tasks.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(take + 1)
            .Select(t => new TaskSummary(t.Id, t.AgentName, t.Status, t.Error, t.CreatedAt, t.FinishedAt))
            .ToListAsync(cancellationToken);
        var next = page.Count > take ? EncodeCursor(page[take - 1]) : null;
        return TypedResults.Ok(new TaskPage(page.Take(take).ToList(), next));
    }

    private static string EncodeCursor(TaskSummary last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks}:{last.Id}"));

    private static (DateTimeOffset CreatedAt, Guid Id)? DecodeCursor(string? cursor, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            return (new DateTimeOffset(long.Parse(parts[0]), TimeSpan.Zero), Guid.Parse(parts[1]));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            errors["/query/cursor"] = ["cursor is not one this API returned."];
            return null;
        }
    }
}
