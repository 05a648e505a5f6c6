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
    string? TraceId);

/// <summary>The Redis stream between the ApiService's outbox relay and the LoggingService's consumer group.</summary>
public static class ExecutionEventStream
{
    public const string Name = "execution-events";
    public const string Field = "event";
    public const string ConsumerGroup = "logging";
}
