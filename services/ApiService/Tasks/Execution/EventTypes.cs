namespace AgentOrchestration.ApiService.Tasks.Execution;

public static class EventTypes
{
    public const string TaskQueued = "task.queued";
    public const string TaskStarted = "task.started";
    public const string StepStarted = "step.started";
    public const string StepProgress = "step.progress";
    public const string StepRetrying = "step.retrying";
    public const string StepSucceeded = "step.succeeded";
    public const string StepFailed = "step.failed";
    public const string StepSkipped = "step.skipped";
    public const string TaskSucceeded = "task.succeeded";
    public const string TaskFailed = "task.failed";
    public const string TaskCancelled = "task.cancelled";
    public const string TaskTimedOut = "task.timed_out";
}

/// <summary>An event to write with a state change; its seq is assigned when it is written.</summary>
public sealed record PendingEvent(string Type, string Level, string Message, string? StepId = null, object? Data = null);
