namespace AgentOrchestration.ApiService.Tasks.Execution;

/// <summary>Task execution settings (configuration section "Tasks").</summary>
public sealed class TaskOptions
{
    public int MaxSteps { get; set; } = 100;

    /// <summary>Steps of one task running at the same time; a task whose graph is wider is rejected (400).</summary>
    public int MaxParallelSteps { get; set; } = 32;

    /// <summary>Tasks one replica executes at the same time.</summary>
    public int MaxConcurrentTasks { get; set; } = 64;

    /// <summary>How long a replica's claim on a task lasts without renewal; a dead replica's tasks move on after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long POST /execute-task waits for the result before answering 202.</summary>
    public TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Who this replica is in leases: unique per process.</summary>
    public string ReplicaId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}" is var id && id.Length > 64 ? id[..64] : id;
}
