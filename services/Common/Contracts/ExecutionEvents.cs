using System.Text.Json;

namespace AgentOrchestration.ServiceCommon.Contracts;

/// <summary>An execution event as it travels from the ApiService to the LoggingService and on to clients.</summary>
public sealed record ExecutionEvent(
    Guid Id,
    Guid TaskId,
    string? StepId,
    int Seq,
    DateTimeOffset At,
    string Level,
    string Type,
    string Message,
    JsonElement? Data,
    string Agent,
    string? TraceId,
    Guid? AgentId = null);

/// <summary>The Redis stream between the ApiService's outbox relay and the LoggingService's consumer group.</summary>
public static class ExecutionEventStream
{
    public const string Name = "execution-events";
    public const string Field = "event";
    public const string ConsumerGroup = "logging";

    /// <summary>Pub/sub channel on which the relay says "entries were added", so the consumer need not poll often.</summary>
    public const string AppendedChannel = "execution-events:appended";
}

/// <summary>The execution event types, written by the ApiService and read by the LoggingService.</summary>
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

    /// <summary>The event that ends a task's stream: nothing follows it.</summary>
    public static bool IsTerminal(string type) => type is TaskSucceeded or TaskFailed or TaskCancelled or TaskTimedOut;
}
