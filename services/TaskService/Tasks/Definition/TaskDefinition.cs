using System.Text.Json;

namespace AgentOrchestration.TaskService.Tasks.Definition;

/// <summary>A step's explicit retry policy. Without one, only failures the ToolService calls safe to repeat are retried.</summary>
public sealed record RetryPolicy(int MaxAttempts = 1, int BackoffMs = 200);

public sealed record StepDefinition(
    string Id,
    string Tool,
    JsonElement Arguments,
    IReadOnlyList<string> DependsOn,
    int? TimeoutMs,
    RetryPolicy? Retry,
    bool ContinueOnError);

/// <summary>A validated task: the long form, with the short form already turned into one step named "main".</summary>
public sealed record TaskDefinition(
    string Agent,
    JsonElement? Input,
    IReadOnlyList<StepDefinition> Steps,
    JsonElement? Output,
    int? TimeoutMs)
{
    public const string ShortFormStepId = "main";

    public StepDefinition Step(string id) => Steps.First(s => s.Id == id);

    /// <summary>The definition exactly as stored with the task (and read back by any replica that resumes it).</summary>
    public JsonDocument ToDocument() => JsonSerializer.SerializeToDocument(this, JsonSerializerOptions.Web);

    public static TaskDefinition FromDocument(JsonDocument document) =>
        document.Deserialize<TaskDefinition>(JsonSerializerOptions.Web)!;
}
