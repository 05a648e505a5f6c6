using AgentOrchestration.LoggingService.Events;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOrchestration.LoggingService.Apis;

public static class LogsApi
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    public static IEndpointRouteBuilder MapLogsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tasks/{taskId:guid}/logs", GetTaskLogs).WithName("GetTaskLogs").WithTags("Logs");
        app.MapGet("/tasks/{taskId:guid}/logs/stream", TaskLogStream.StreamAsync).WithName("StreamTaskLogs").WithTags("Logs")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        app.MapGet("/logs/stream", LiveFeed.StreamAsync).WithName("StreamAllLogs").WithTags("Logs")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    /// <summary>A task's stored events in seq order: those after <c>after</c>, at or above <c>level</c>, of one <c>step</c>.</summary>
    public static async Task<Results<Ok<List<ExecutionEvent>>, ValidationProblem>> GetTaskLogs(
        Guid taskId, int? after, string? level, string? step, int? limit, EventStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (level is not null && !EventStore.Levels.Contains(level))
        {
            errors["/query/level"] = [$"level must be one of {string.Join(", ", EventStore.Levels)}."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["/query/limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (after is < 0)
        {
            errors["/query/after"] = ["after is a seq, 0 or more."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(await store.QueryAsync(new EventQuery(taskId, after ?? 0, level, step, limit ?? DefaultLimit), cancellationToken));
    }
}
