namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>A caller the fuzz sends as: its role, key and, for an agent, its name.</summary>
public sealed record Caller(string Role, string Key, string? AgentName = null)
{
    public override string ToString() => AgentName is null ? Role : $"{Role} {AgentName}";
}

/// <summary>
/// What exists in the system under fuzz, so that generated bodies name real things often enough to get past the
/// first check: agents with keys, viewer keys, tools, an HTTP tool on the tests' loopback server, a finished task.
/// Operations that change a thing (PATCH, DELETE) are aimed at things of their own, never at the callers.
/// </summary>
public sealed record FuzzWorld(
    IReadOnlyList<Caller> Admins,
    IReadOnlyList<Caller> Viewers,
    IReadOnlyList<Caller> Agents,
    IReadOnlyList<string> Tools,
    string HttpToolUrl,
    string PatchableAgent,
    string PatchableTool,
    Guid FinishedTask)
{
    /// <summary>Builtin tools that answer at once (no sleep: the fuzz must not wait on purpose).</summary>
    public static readonly string[] QuickBuiltins = ["echo", "math.add", "math.multiply", "text.upper", "text.length", "json.pick", "time.now", "fail"];

    public IReadOnlyList<string> AgentNames => [.. Agents.Select(a => a.AgentName!)];
}
