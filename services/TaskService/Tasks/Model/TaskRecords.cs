using System.Text.Json;

namespace AgentOrchestration.TaskService.Tasks.Model;

public static class TaskStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string TimedOut = "timed_out";

    public static readonly string[] Terminal = [Succeeded, Failed, Cancelled, TimedOut];
    public static readonly string[] Unfinished = [Queued, Running];
    public static readonly string[] All = [Queued, Running, Succeeded, Failed, Cancelled, TimedOut];

    public static bool IsTerminal(string status) => Terminal.Contains(status);
}

public static class StepStatuses
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Cancelled = "cancelled";

    public static bool IsDone(string status) => status is Succeeded or Failed or Skipped or Cancelled;
}

/// <summary>A task as stored in tasksdb. The lease says which ApiService replica executes it, until when.</summary>
public sealed class TaskRecord
{
    public Guid Id { get; set; }
    public Guid AgentId { get; set; }
    public required string AgentName { get; set; }
    public string Status { get; set; } = TaskStatuses.Queued;
    public required JsonDocument Definition { get; set; }
    public JsonDocument? Result { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset? DeadlineAt { get; set; }
    public string? TraceParent { get; set; }
    /// <summary>Whose Idempotency-Key this is ("agent:&lt;id&gt;" or "key:&lt;key id&gt;"): keys are unique per caller, not globally.</summary>
    public string? IdempotencyScope { get; set; }
    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public bool CancelRequested { get; set; }

    /// <summary>How often another runner took the task over from one that vanished (counted by the claim).</summary>
    public int Takeovers { get; set; }

    /// <summary>The seq of the task's last execution event; events are numbered 1, 2, 3… with no gap.</summary>
    public int LastSeq { get; set; }

    public List<TaskStepRecord> Steps { get; set; } = [];
}

public sealed class TaskStepRecord
{
    public Guid TaskId { get; set; }
    public required string StepId { get; set; }
    public int Ordinal { get; set; }
    public required string Tool { get; set; }
    public string Status { get; set; } = StepStatuses.Pending;
    public int Attempts { get; set; }
    public JsonDocument? Input { get; set; }
    public JsonDocument? Output { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>
/// An execution event, written in the same transaction as the state change it reports (a transactional outbox);
/// the relay publishes it to the Redis stream afterwards and deletes it once the LoggingService has stored it. The table
/// also has an <c>xid</c> column (the writing transaction's id, a database default) that only the relay reads.
/// </summary>
public sealed class ExecutionEventRecord
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public int Seq { get; set; }
    public string? StepId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Level { get; set; }
    public required string Type { get; set; }
    public required string Message { get; set; }
    public JsonDocument? Data { get; set; }
    public string AgentName { get; set; } = "";
    public string? TraceId { get; set; }
}
