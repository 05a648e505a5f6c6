using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Services;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tasks.Submission;

/// <summary>An accepted task, or the problem that stopped it.</summary>
public sealed record Submitted(Guid TaskId, Guid AgentId, bool Replayed, IResult? Problem, AcceptedTask? Accepted = null);

/// <summary>
/// POST /execute-task before anything runs: the task is checked (schema and DAG 400, agent 404/409, tools 403,
/// literal arguments 422), then stored with its steps and its task.queued event in one transaction. Only after
/// that commit is it acknowledged; the replica holds the lease and starts it at once.
/// </summary>
public sealed class TaskSubmission(
    TasksDbContext db, TaskValidator validator, AgentServiceClient agents, AgentCache agentCache, ToolCatalog tools, TaskOptions options,
    OutboxSignal outbox, TimeProvider clock)
{
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    public async Task<Submitted> SubmitAsync(JsonElement request, string? idempotencyKey, string idempotencyScope, Caller caller,
        CancellationToken cancellationToken)
    {
        var validation = validator.Validate(request);
        if (validation.Task is not { } task)
        {
            return Fail(Problems.Validation(validation.Errors));
        }

        if (caller.IsAgent && !caller.IsSelf(task.Agent))
        {
            return Fail(Problems.Problem(StatusCodes.Status403Forbidden, "agent_mismatch", "An agent key runs tasks only as its own agent.",
                $"This key belongs to '{caller.AgentName}', not '{task.Agent}'."));
        }

        var hash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request)));
        if (idempotencyKey is not null && await ReplayAsync(idempotencyScope, idempotencyKey, hash, cancellationToken) is { } replay)
        {
            return replay;
        }

        var agent = await agentCache.GetAsync(task.Agent, agents, cancellationToken);
        if (agent is null)
        {
            return Fail(Problems.NotFound("Agent", task.Agent));
        }

        // The key's agent by id: a name another agent took after the key's agent was deleted is not this agent.
        if (caller.IsAgent && agent.Id != caller.AgentId)
        {
            return Fail(Problems.Problem(StatusCodes.Status403Forbidden, "agent_mismatch", "An agent key runs tasks only as its own agent.",
                $"'{task.Agent}' is not the agent this key belongs to."));
        }

        if (agent.Status != AgentStatus.Active)
        {
            return Fail(Problems.Problem(StatusCodes.Status409Conflict, "agent_inactive", "The agent is inactive.",
                $"Agent '{agent.Name}' must be active to execute tasks."));
        }

        if (await CheckToolsAsync(task, agent, cancellationToken) is { } toolProblem)
        {
            return Fail(toolProblem);
        }

        if (await CheckInFlightAsync(agent, cancellationToken) is { } busy)
        {
            return Fail(busy);
        }

        var record = NewRecord(task, agent, idempotencyKey is null ? null : idempotencyScope, idempotencyKey, hash);
        db.Tasks.Add(record);
        db.Events.Add(new ExecutionEventRecord
        {
            Id = Guid.CreateVersion7(record.CreatedAt), TaskId = record.Id, Seq = 1, At = record.CreatedAt, Level = "info",
            Type = EventTypes.TaskQueued, Message = $"Task queued for agent '{agent.Name}'.", AgentName = agent.Name,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            Data = JsonSerializer.SerializeToDocument(new { steps = task.Steps.Select(s => new { s.Id, s.Tool, s.DependsOn }) }, JsonSerializerOptions.Web),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (idempotencyKey is not null && ex.IsUniqueViolation(out _))
        {
            // The same key raced in on another request: answer with the task it created.
            db.ChangeTracker.Clear();
            return await ReplayAsync(idempotencyScope, idempotencyKey, hash, cancellationToken) ?? throw new InvalidOperationException("Idempotency race without a winner.");
        }

        // The runner takes the row as written: detached, so nothing this request does later can touch it.
        db.ChangeTracker.Clear();
        outbox.Set();
        return new Submitted(record.Id, record.AgentId, false, null, new AcceptedTask(record, task));
    }

    private TaskRecord NewRecord(TaskDefinition task, AgentResponse agent, string? idempotencyScope, string? idempotencyKey, string hash)
    {
        // As Postgres stores it (microseconds), so the runner's copy of the row equals what a read returns.
        var now = TaskJournal.TruncateToMicroseconds(clock.GetUtcNow());
        var id = Guid.CreateVersion7(now);
        return new TaskRecord
        {
            Id = id,
            AgentId = agent.Id,
            AgentName = agent.Name,
            Status = TaskStatuses.Queued,
            Definition = task.ToDocument(),
            CreatedAt = now,
            DeadlineAt = task.TimeoutMs is { } ms ? now.AddMilliseconds(ms) : null,
            TraceParent = Activity.Current?.Id,
            IdempotencyScope = idempotencyScope,
            IdempotencyKey = idempotencyKey,
            RequestHash = hash,
            // This replica runs it at once; if it dies first, the lease lapses and another one takes over.
            LeaseOwner = options.ReplicaId,
            LeaseExpiresAt = now + options.LeaseDuration,
            LastSeq = 1,
            Steps = task.Steps.Select((s, i) => new TaskStepRecord { TaskId = id, StepId = s.Id, Ordinal = i, Tool = s.Tool }).ToList(),
        };
    }

    private async Task<Submitted?> ReplayAsync(string scope, string key, string hash, CancellationToken cancellationToken)
    {
        var existing = await db.Tasks.AsNoTracking().Where(t => t.IdempotencyScope == scope && t.IdempotencyKey == key)
            .Select(t => new { t.Id, t.AgentId, t.RequestHash }).FirstOrDefaultAsync(cancellationToken);
        if (existing is null)
        {
            return null;
        }

        return existing.RequestHash == hash
            ? new Submitted(existing.Id, existing.AgentId, true, null)
            : Fail(Problems.Problem(StatusCodes.Status422UnprocessableEntity, IdempotencyKeyReused,
                "The Idempotency-Key was already used with a different task.", $"Key '{key}' belongs to task {existing.Id}."));
    }

    /// <summary>429 when the agent already has its limit of unfinished tasks (counting stops at the limit: bounded work).</summary>
    private async Task<IResult?> CheckInFlightAsync(AgentResponse agent, CancellationToken cancellationToken)
    {
        var limit = options.MaxInFlightPerAgent;
        // Spelled as constants (not Unfinished.Contains) so the SQL matches the partial index IX_tasks_agent_unfinished.
        var inFlight = await db.Tasks.Where(t => t.AgentId == agent.Id && (t.Status == TaskStatuses.Queued || t.Status == TaskStatuses.Running))
            .Select(t => t.Id).Take(limit).CountAsync(cancellationToken);
        if (inFlight < limit)
        {
            return null;
        }

        return Problems.Problem(StatusCodes.Status429TooManyRequests, "too_many_tasks", "The agent has too many unfinished tasks.",
            $"Agent '{agent.Name}' has {limit} tasks queued or running; submit more when some finish.",
            new Dictionary<string, object?> { ["limit"] = limit });
    }

    /// <summary>403 for tools the agent may not use; 422 for unknown tools or literal arguments against a schema.</summary>
    private async Task<IResult?> CheckToolsAsync(TaskDefinition task, AgentResponse agent, CancellationToken cancellationToken)
    {
        var forbidden = task.Steps.Select(s => s.Tool).Distinct().Where(t => !agent.Tools.Contains(t)).ToList();
        if (forbidden.Count > 0)
        {
            return Problems.Problem(StatusCodes.Status403Forbidden, "tool_not_allowed", "The agent may not use some of these tools.",
                $"Agent '{agent.Name}' does not list: {string.Join(", ", forbidden)}.",
                new Dictionary<string, object?> { ["tools"] = forbidden });
        }

        var violations = new List<(string Pointer, string Message)>();
        var unknown = new List<string>();
        for (var i = 0; i < task.Steps.Count; i++)
        {
            var step = task.Steps[i];
            var (exists, schema) = await tools.GetAsync(step.Tool, cancellationToken);
            if (!exists)
            {
                unknown.Add(step.Tool);
                continue;
            }

            // With templates the arguments are only known at run time; the ToolService checks them then.
            if (schema is not null && !Templates.ContainsTemplate(step.Arguments))
            {
                violations.AddRange(JsonSchemas.Violations(schema, step.Arguments, $"/steps/{i}/arguments"));
            }
        }

        if (unknown.Count > 0)
        {
            return Problems.Problem(StatusCodes.Status422UnprocessableEntity, "unknown_tools", "Some tools are not registered.",
                $"Unknown tools: {string.Join(", ", unknown.Distinct())}.", new Dictionary<string, object?> { ["unknownTools"] = unknown.Distinct().ToList() });
        }

        return violations.Count == 0 ? null : Problems.Problem(StatusCodes.Status422UnprocessableEntity, "invalid_arguments",
            "Some step arguments do not match their tool's input schema.", null,
            new Dictionary<string, object?> { ["errors"] = violations.ToErrors() });
    }

    private static Submitted Fail(IResult problem) => new(Guid.Empty, Guid.Empty, false, problem);
}
