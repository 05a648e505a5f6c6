namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Task execution settings (configuration section "Tasks").</summary>
public sealed class TaskOptions
{
    public int MaxSteps { get; set; } = 100;

    /// <summary>Queued plus running tasks one agent may have (all replicas); beyond it POST /execute-task answers 429.</summary>
    public int MaxInFlightPerAgent { get; set; } = 100;

    /// <summary>Steps of one task running at the same time; a task whose graph is wider is rejected (400).</summary>
    public int MaxParallelSteps { get; set; } = 32;

    /// <summary>Tasks one replica executes at the same time.</summary>
    public int MaxConcurrentTasks { get; set; } = 64;

    /// <summary>
    /// Of those, how many one agent may hold, so another agent's task still starts at once. Set, it is a hard cap.
    /// Unset, an agent holds half the slots and may go beyond while an eighth of them (at least one) stays free for
    /// others, so a lone agent is not held to half the replica.
    /// </summary>
    public int? MaxRunningPerAgentPerReplica { get; set; }

    public int AgentShare => Math.Clamp(MaxRunningPerAgentPerReplica ?? MaxConcurrentTasks / 2, 1, MaxConcurrentTasks);

    /// <summary>Slots kept free for other agents once one agent is past its share (see <see cref="MaxRunningPerAgentPerReplica"/>).</summary>
    public int ReservedSlots => MaxRunningPerAgentPerReplica is null ? Math.Max(1, MaxConcurrentTasks / 8) : MaxConcurrentTasks;

    /// <summary>
    /// A step's time limit when it sets no <c>timeoutMs</c> (10 minutes): real tools (an LLM call, a build) take minutes.
    /// A step's only limits are this (or its own timeoutMs) and the task's deadline.
    /// </summary>
    public int DefaultStepTimeoutMs { get; set; } = 600_000;

    /// <summary>The most a step's resolved arguments may weigh (JSON, UTF-8): templates can multiply an output.</summary>
    public int MaxStepInputBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Attempts of a step that sets no <c>retry</c>, for failures the ToolService says are safe to repeat
    /// (the request never reached the tool, or the tool is idempotent).
    /// </summary>
    public int DefaultMaxAttempts { get; set; } = 3;

    public int DefaultBackoffMs { get; set; } = 200;

    /// <summary>
    /// How often a task may be taken over after its runner vanished (a replica died or its run crashed) before it is
    /// failed instead of run again: a task that crashes every runner must not loop forever.
    /// </summary>
    public int MaxTakeovers { get; set; } = 5;

    /// <summary>How long a replica's claim on a task lasts without renewal; a dead replica's tasks move on after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long POST /execute-task waits for the result before answering 202.</summary>
    public TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How often the outbox relay asks Redis what the LoggingService has stored, and deletes those events.</summary>
    public TimeSpan OutboxCleanupInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a published event stays in tasksdb after the LoggingService has stored it (10 minutes), so the journal
    /// can be compared with the log store after an incident; zero deletes it as soon as the LoggingService has it.
    /// </summary>
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Who this replica is in leases: unique per process.</summary>
    public string ReplicaId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}" is var id && id.Length > 64 ? id[..64] : id;
}
