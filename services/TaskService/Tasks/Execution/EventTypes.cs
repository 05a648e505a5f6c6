using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>An event to write with a state change; its seq is assigned when it is written.</summary>
public sealed record PendingEvent(string Type, string Level, string Message, string? StepId = null, object? Data = null);
