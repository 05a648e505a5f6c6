namespace AgentOrchestration.TaskService.Tasks.Definition;

/// <summary>The dependency graph of a task's steps.</summary>
public static class TaskGraph
{
    /// <summary>
    /// The most steps that share a depth (longest path from a root): those can all be ready at the same moment, so it
    /// is the task's parallel width. Requires an acyclic graph with unique ids.
    /// </summary>
    public static int Width(TaskDefinition task)
    {
        var dependsOn = task.Steps.ToDictionary(s => s.Id, s => s.DependsOn);
        var depth = new Dictionary<string, int>();
        int Depth(string id) => depth.TryGetValue(id, out var known) ? known
            : depth[id] = 1 + dependsOn[id].Where(dependsOn.ContainsKey).Select(Depth).DefaultIfEmpty(0).Max();
        return task.Steps.Select(s => Depth(s.Id)).GroupBy(d => d).Max(g => g.Count());
    }

    /// <summary>One cycle as the ids along it (first id repeated at the end), or null when the graph is acyclic.</summary>
    public static List<string>? FindCycle(TaskDefinition task)
    {
        var dependsOn = task.Steps.ToDictionary(s => s.Id, s => s.DependsOn);
        var state = new Dictionary<string, int>(); // 1 = on the current path, 2 = finished
        var path = new List<string>();

        List<string>? Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var dependency in dependsOn.GetValueOrDefault(id) ?? [])
            {
                if (!dependsOn.ContainsKey(dependency))
                {
                    continue;
                }

                if (state.GetValueOrDefault(dependency) == 1)
                {
                    return [.. path[path.IndexOf(dependency)..], dependency];
                }

                if (state.GetValueOrDefault(dependency) == 0 && Visit(dependency) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            return null;
        }

        foreach (var step in task.Steps)
        {
            if (state.GetValueOrDefault(step.Id) == 0 && Visit(step.Id) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>Every step the given step transitively depends on.</summary>
    public static HashSet<string> Ancestors(TaskDefinition task, string stepId)
    {
        var dependsOn = task.Steps.ToDictionary(s => s.Id, s => s.DependsOn);
        var seen = new HashSet<string>();
        var stack = new Stack<string>(dependsOn.GetValueOrDefault(stepId) ?? []);
        while (stack.TryPop(out var id))
        {
            if (seen.Add(id))
            {
                foreach (var next in dependsOn.GetValueOrDefault(id) ?? [])
                {
                    stack.Push(next);
                }
            }
        }

        return seen;
    }

    /// <summary>Steps that (transitively) depend on the given one: they are skipped when it fails.</summary>
    public static HashSet<string> Descendants(TaskDefinition task, string stepId)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>([stepId]);
        while (stack.TryPop(out var id))
        {
            foreach (var dependent in task.Steps.Where(s => s.DependsOn.Contains(id)))
            {
                if (seen.Add(dependent.Id))
                {
                    stack.Push(dependent.Id);
                }
            }
        }

        return seen;
    }
}
