using System.Text.Json;

namespace AgentOrchestration.TaskService.Tasks.Model;

public sealed record StepView(
    string Id,
    string Tool,
    string Status,
    int Attempts,
    JsonElement? Input,
    JsonElement? Output,
    string? Error,
    IReadOnlyList<string> DependsOn,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

/// <summary>A task as the API shows it.</summary>
public sealed record TaskView(
    Guid Id,
    string Agent,
    string Status,
    JsonElement? Result,
    string? Error,
    IReadOnlyList<StepView> Steps,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? TraceId)
{
    public static TaskView From(TaskRecord task) => From(task, Definition.TaskDefinition.FromDocument(task.Definition));

    /// <summary>The view with the definition already at hand (the runner's), so it is not deserialised again.</summary>
    public static TaskView From(TaskRecord task, Definition.TaskDefinition definition)
    {
        var traceId = System.Diagnostics.ActivityContext.TryParse(task.TraceParent, null, out var parent) ? parent.TraceId.ToHexString() : null;
        var steps = task.Steps.OrderBy(s => s.Ordinal).Select(s => new StepView(
            s.StepId, s.Tool, s.Status, s.Attempts, s.Input?.RootElement.Clone(), s.Output?.RootElement.Clone(), s.Error,
            definition.Steps.FirstOrDefault(d => d.Id == s.StepId)?.DependsOn ?? [], s.StartedAt, s.FinishedAt)).ToList();
        return new TaskView(task.Id, task.AgentName, task.Status, task.Result?.RootElement.Clone(), task.Error, steps,
            task.CreatedAt, task.StartedAt, task.FinishedAt, traceId);
    }
}

/// <summary>A task in a list: without step details.</summary>
public sealed record TaskSummary(Guid Id, string Agent, string Status, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

public sealed record TaskPage(IReadOnlyList<TaskSummary> Items, string? NextCursor);
