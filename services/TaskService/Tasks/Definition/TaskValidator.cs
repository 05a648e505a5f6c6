using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using Json.Schema;

namespace AgentOrchestration.TaskService.Tasks.Definition;

public sealed record TaskValidation(TaskDefinition? Task, Dictionary<string, string[]> Errors);

/// <summary>
/// Checks a task before anything runs: first against the published JSON Schema (shapes, unknown fields), then the
/// rules a schema cannot say: unique step ids, known dependencies, no cycles, templates that only reference
/// ancestors, and the step and parallelism limits. Every error is keyed by the JSON Pointer of what is wrong.
/// </summary>
public sealed class TaskValidator(int maxSteps, int maxParallelSteps)
{
    public static readonly string SchemaText = LoadSchema();
    private static readonly JsonSchema Schema = JsonSchemas.Build(JsonDocument.Parse(SchemaText).RootElement);

    public TaskValidation Validate(JsonElement request)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string pointer, string message)
        {
            if (!errors.TryGetValue(pointer, out var list))
            {
                errors[pointer] = list = [];
            }

            if (!list.Contains(message))
            {
                list.Add(message);
            }
        }

        // The gateway's body guard refuses these first; the engine stores every string it accepts, so it checks too.
        if (StorableJson.FindUnstorable(request) is { } unstorable)
        {
            Add(unstorable, StorableJson.Rule);
            return Fail(errors);
        }

        CheckSchema(request, Add);
        if (request.ValueKind == JsonValueKind.Object)
        {
            var hasSteps = request.TryGetProperty("steps", out _);
            var hasTool = request.TryGetProperty("tool", out _);
            if (hasSteps == hasTool)
            {
                Add("", "A task has either \"steps\" or, in the short form, \"tool\" (with \"arguments\"), not both or neither.");
            }
        }

        if (errors.Count > 0)
        {
            return Fail(errors);
        }

        var task = Parse(request);
        CheckSteps(task, Add);
        return errors.Count > 0 ? Fail(errors) : new TaskValidation(task, []);
    }

    private static void CheckSchema(JsonElement request, Action<string, string> add)
    {
        // The form rule (steps xor tool) is reported once, in plain words, by the caller.
        foreach (var (pointer, message) in JsonSchemas.Violations(Schema, request, skipEvaluationPath: "/oneOf"))
        {
            add(pointer, message);
        }
    }

    private void CheckSteps(TaskDefinition task, Action<string, string> add)
    {
        if (task.Steps.Count > maxSteps)
        {
            add("/steps", $"A task may have at most {maxSteps} steps.");
            return;
        }

        var index = new Dictionary<string, int>();
        for (var i = 0; i < task.Steps.Count; i++)
        {
            // The schema's pattern ends in $, which .NET (unlike JSON Schema's ECMA-262) lets match before a final newline.
            if (task.Steps[i].Id.EndsWith('\n'))
            {
                add($"/steps/{i}/id", "A step id may only contain letters, digits, '_' and '-'.");
            }

            if (!index.TryAdd(task.Steps[i].Id, i))
            {
                add($"/steps/{i}/id", $"The step id '{task.Steps[i].Id}' is used more than once.");
            }
        }

        for (var i = 0; i < task.Steps.Count; i++)
        {
            var step = task.Steps[i];
            for (var j = 0; j < step.DependsOn.Count; j++)
            {
                if (!index.ContainsKey(step.DependsOn[j]))
                {
                    add($"/steps/{i}/dependsOn/{j}", $"No step has the id '{step.DependsOn[j]}'.");
                }
                else if (step.DependsOn[j] == step.Id)
                {
                    add($"/steps/{i}/dependsOn/{j}", "A step cannot depend on itself.");
                }
            }
        }

        // The graph checks below need unique ids; duplicates are already reported.
        if (index.Count != task.Steps.Count)
        {
            return;
        }

        if (TaskGraph.FindCycle(task) is { } cycle)
        {
            add("/steps", $"The steps form a cycle: {string.Join(" → ", cycle)}.");
            return;
        }

        if (TaskGraph.Width(task) is var width && width > maxParallelSteps)
        {
            add("/steps", $"{width} steps could run at the same time; a task may run at most {maxParallelSteps} in parallel.");
        }

        for (var i = 0; i < task.Steps.Count; i++)
        {
            var ancestors = TaskGraph.Ancestors(task, task.Steps[i].Id);
            foreach (var (pointer, path) in Templates.FindAll(task.Steps[i].Arguments, $"/steps/{i}/arguments"))
            {
                CheckReference(path, pointer, add, step => ancestors.Contains(step),
                    step => $"'{{{{{path}}}}}' refers to step '{step}', which is not an ancestor of '{task.Steps[i].Id}' (add it to dependsOn).");
            }
        }

        if (task.Output is { } output)
        {
            foreach (var (pointer, path) in Templates.FindAll(output, "/output"))
            {
                CheckReference(path, pointer, add, index.ContainsKey, step => $"'{{{{{path}}}}}' refers to an unknown step '{step}'.");
            }
        }
    }

    private static void CheckReference(string path, string pointer, Action<string, string> add, Func<string, bool> allowed, Func<string, string> notAllowed)
    {
        if (Templates.CheckPath(path) is { } shape)
        {
            add(pointer, shape);
        }
        else if (Templates.ReferencedStep(path) is { } step && !allowed(step))
        {
            add(pointer, notAllowed(step));
        }
    }

    private static TaskDefinition Parse(JsonElement request)
    {
        var agent = request.GetProperty("agent").GetString()!;
        JsonElement? Optional(string name) => request.TryGetProperty(name, out var value) ? value.Clone() : null;
        var timeout = request.TryGetProperty("timeoutMs", out var t) ? Integer(t) : (int?)null;

        if (request.TryGetProperty("tool", out var tool))
        {
            var arguments = Optional("arguments") ?? JsonDocument.Parse("{}").RootElement;
            var step = new StepDefinition(TaskDefinition.ShortFormStepId, tool.GetString()!, arguments, [], null, null, false);
            return new TaskDefinition(agent, Optional("input"), [step], Optional("output"), timeout);
        }

        var steps = request.GetProperty("steps").EnumerateArray().Select(s => new StepDefinition(
            s.GetProperty("id").GetString()!,
            s.GetProperty("tool").GetString()!,
            s.TryGetProperty("arguments", out var args) ? args.Clone() : JsonDocument.Parse("{}").RootElement,
            s.TryGetProperty("dependsOn", out var deps) ? deps.EnumerateArray().Select(d => d.GetString()!).ToList() : [],
            s.TryGetProperty("timeoutMs", out var st) ? Integer(st) : null,
            s.TryGetProperty("retry", out var r)
                ? new RetryPolicy(r.TryGetProperty("maxAttempts", out var m) ? Integer(m) : 1, r.TryGetProperty("backoffMs", out var b) ? Integer(b) : 200)
                : null,
            s.TryGetProperty("continueOnError", out var c) && c.GetBoolean())).ToList();
        return new TaskDefinition(agent, Optional("input"), steps, Optional("output"), timeout);
    }

    /// <summary>
    /// A number the schema accepted as an integer: JSON Schema counts 1000.0 and 1e3 as integers, so they are read as
    /// such (the schema's minimum and maximum have already bounded them).
    /// </summary>
    private static int Integer(JsonElement number) =>
        number.TryGetInt32(out var value) ? value : checked((int)number.GetDouble());

    private static TaskValidation Fail(Dictionary<string, List<string>> errors) =>
        new(null, errors.ToDictionary(e => e.Key.Length == 0 ? "/" : e.Key, e => e.Value.ToArray()));

    private static string LoadSchema()
    {
        using var stream = typeof(TaskValidator).Assembly.GetManifestResourceStream("AgentOrchestration.TaskService.Tasks.task.schema.json")
            ?? throw new InvalidOperationException("The task schema is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
