using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Model;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>What the runner knows of one step while the task runs.</summary>
public sealed class StepState(string status, int attempts, JsonElement? output)
{
    public string Status { get; set; } = status;
    public int Attempts { get; set; } = attempts;
    public JsonElement? Output { get; set; } = output;

    /// <summary>Steps left "running" by a replica that died are run again; finished ones never are.</summary>
    public static StepState Resume(TaskStepRecord record) => new(
        record.Status == StepStatuses.Running ? StepStatuses.Pending : record.Status,
        record.Attempts,
        record.Output?.RootElement.Clone());

    /// <summary>The template context: {"input": …, "steps": {"a": {"output": …, "status": …}}}.</summary>
    public static JsonElement Context(JsonElement? input, IReadOnlyDictionary<string, StepState> steps)
    {
        var stepsNode = new JsonObject();
        foreach (var (id, state) in steps)
        {
            stepsNode[id] = new JsonObject
            {
                ["status"] = state.Status,
                ["output"] = state.Output is { } output ? JsonNode.Parse(output.GetRawText()) : null,
            };
        }

        var context = new JsonObject
        {
            ["input"] = input is { } i ? JsonNode.Parse(i.GetRawText()) : null,
            ["steps"] = stepsNode,
        };
        return JsonSerializer.SerializeToElement(context);
    }

    /// <summary>
    /// The task's result: its output template resolved (at most <paramref name="maxChars"/>, see
    /// <see cref="Templates.Resolve(JsonElement, JsonElement, int)"/>), or every step's output by id.
    /// </summary>
    public static JsonElement Result(TaskDefinition definition, IReadOnlyDictionary<string, StepState> steps, int maxChars = int.MaxValue)
    {
        var context = Context(definition.Input, steps);
        if (definition.Output is { } output)
        {
            return JsonSerializer.SerializeToElement(Templates.Resolve(output, context, maxChars));
        }

        var all = new JsonObject();
        foreach (var step in definition.Steps)
        {
            all[step.Id] = steps[step.Id].Output is { } o ? JsonNode.Parse(o.GetRawText()) : null;
        }

        return JsonSerializer.SerializeToElement(all);
    }
}
