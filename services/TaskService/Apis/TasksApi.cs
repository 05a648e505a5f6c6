using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.ServiceCommon.Security;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.TaskService.Tasks.Submission;
using AgentOrchestration.ServiceCommon;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Apis;

public static class TasksApi
{
    public const string CancelChannel = "tasks:cancel";

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        // Who may call what is decided at the gateway (its routes carry the policies); here the caller headers scope it.
        var tasks = app.MapGroup("").WithTags("Tasks");
        tasks.MapPost("/execute-task", ExecuteTask).WithName("ExecuteTask")
            .Accepts<JsonElement>("application/json")
            .Produces<TaskView>()
            .Produces<TaskView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        tasks.MapGet("/tasks", TaskQueries.ListTasks).WithName("ListTasks");
        tasks.MapGet("/tasks/{id:guid}", GetTask).WithName("GetTask");
        tasks.MapPost("/tasks/{id:guid}/cancel", CancelTask).WithName("CancelTask");
        tasks.MapGet("/schemas/task.json", () => Results.Text(TaskValidator.SchemaText, "application/schema+json")).WithName("GetTaskSchema");
        return app;
    }

    /// <summary>
    /// Accepts a task and waits for it within the wait budget (Prefer: wait=N, default 30 s): 200 with the finished
    /// task, else 202 with Location; Prefer: respond-async answers 202 at once.
    /// </summary>
    public static async Task<IResult> ExecuteTask(
        JsonElement request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        [FromHeader(Name = "Prefer")] string? prefer,
        TaskSubmission submission,
        TaskWorker worker,
        TaskSignals signals,
        TasksDbContext db,
        TaskOptions options,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var response = context.Response;
        if (idempotencyKey is { Length: 0 or > 255 })
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["/headers/Idempotency-Key"] = ["The key must be 1 to 255 characters."] });
        }

        var (respondAsync, wait) = PreferHeader.Parse(prefer, options.DefaultWait, options.MaxWait);
        var submitted = await submission.SubmitAsync(request, idempotencyKey, IdempotencyScope(Caller.From(context.Request)), Caller.From(context.Request), cancellationToken);
        if (submitted.Problem is not null)
        {
            if (submitted.Problem is IStatusCodeHttpResult { StatusCode: StatusCodes.Status429TooManyRequests })
            {
                response.Headers.RetryAfter = "1";
            }

            return submitted.Problem;
        }

        var id = submitted.TaskId;
        response.Headers.Location = $"/tasks/{id}";
        // Disposed however this ends (finished, budget spent, client gone): a wait never outlives its request.
        using (var waiter = signals.WaitForFinish(id))
        {
            if (submitted.Accepted is { } accepted)
            {
                await worker.StartAcceptedAsync(accepted);
            }

            // wait=0 asks for no wait at all: answered from the row as it is now, without depending on a timer.
            if (!respondAsync && wait > TimeSpan.Zero
                && await WaitAsync(id, waiter.Finished, db, wait, submitted.Replayed, cancellationToken)
                && waiter.Finished is { IsCompletedSuccessfully: true, Result: { } finished })
            {
                // Finished here within the budget: the runner's copy of the task is what it committed last, so it is
                // answered without a read (GET /tasks/{id} returns the same).
                return TypedResults.Ok(finished);
            }
        }

        var task = await db.Tasks.AsNoTracking().Include(t => t.Steps).FirstAsync(t => t.Id == id, CancellationToken.None);
        // respond-async promises a 202 at once, even when the task was quick enough to finish before this answer.
        return TaskStatuses.IsTerminal(task.Status) && !respondAsync
            ? TypedResults.Ok(TaskView.From(task))
            : TypedResults.Json(TaskView.From(task), statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Idempotency keys belong to the caller: an agent (by id, across key rotations) or the key that sent them, so
    /// two callers that happen to pick the same key each get their own task.
    /// </summary>
    public static string IdempotencyScope(Caller caller) =>
        caller is { IsAgent: true, AgentId: { } agentId } ? $"agent:{agentId}"
        : caller.KeyId is { } keyId ? $"key:{keyId}"
        : "internal";

    /// <summary>An agent key sees only its own tasks; another agent's task is "not found" so its id reveals nothing.</summary>
    public static async Task<Results<Ok<TaskView>, ProblemHttpResult>> GetTask(
        Guid id, TasksDbContext db, HttpRequest request, CancellationToken cancellationToken)
    {
        var task = await db.Tasks.AsNoTracking().Include(t => t.Steps).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return task is null || !Caller.From(request).MayActAs(task.AgentId) ? Problems.NotFound("Task", id.ToString()) : TypedResults.Ok(TaskView.From(task));
    }

    /// <summary>Asks the task to stop: its running steps are cancelled and it ends as "cancelled".</summary>
    public static async Task<Results<Accepted<TaskView>, ProblemHttpResult>> CancelTask(
        Guid id, TasksDbContext db, TaskSignals signals, IConnectionMultiplexer redis, HttpRequest request, ILogger<TaskWorker> logger,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(request);
        var updated = await db.Tasks.Where(t => t.Id == id && !TaskStatuses.Terminal.Contains(t.Status) && (!caller.IsAgent || t.AgentId == caller.AgentId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.CancelRequested, true), cancellationToken);
        var task = await db.Tasks.AsNoTracking().Include(t => t.Steps).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null || !caller.MayActAs(task.AgentId))
        {
            return Problems.NotFound("Task", id.ToString());
        }

        if (updated == 0)
        {
            return Problems.Problem(StatusCodes.Status409Conflict, "task_finished", "The task has already finished.", $"Its status is '{task.Status}'.");
        }

        // The runner may be on another replica: tell it now; its lease heartbeat would notice within seconds anyway.
        if (!signals.Cancel(id))
        {
            await redis.PublishAsync(CancelChannel, id.ToString(), logger);
        }

        return TypedResults.Accepted($"/tasks/{id}", TaskView.From(task));
    }

    /// <summary>
    /// Waits for the in-process signal, polling the database too in case another replica finishes the task; true
    /// when this replica's runner signalled the end within the budget.
    /// </summary>
    private static async Task<bool> WaitAsync(Guid id, Task finished, TasksDbContext db, TimeSpan wait, bool replayed, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(wait);
        try
        {
            // A replayed key's task has usually finished long ago: look first rather than after a poll interval.
            if (replayed && await db.Tasks.AnyAsync(t => t.Id == id && TaskStatuses.Terminal.Contains(t.Status), budget.Token))
            {
                return false;
            }

            while (!finished.IsCompleted)
            {
                await Task.WhenAny(finished, Task.Delay(TimeSpan.FromSeconds(1), budget.Token));
                if (finished.IsCompleted)
                {
                    return true;
                }

                budget.Token.ThrowIfCancellationRequested();
                if (await db.Tasks.AnyAsync(t => t.Id == id && TaskStatuses.Terminal.Contains(t.Status), budget.Token))
                {
                    return false;
                }
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait budget is spent: answer 202.
            return false;
        }
    }
}
