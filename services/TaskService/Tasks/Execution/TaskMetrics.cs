using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Task metrics and the activity source for task and step spans; both reach the Aspire dashboard.</summary>
public sealed class TaskMetrics
{
    public static readonly ActivitySource Activity = new(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.ActivitySourceName);

    private readonly Counter<long> _tasks;
    private readonly Histogram<double> _stepDuration;

    public TaskMetrics(IMeterFactory meters, TaskSignals signals)
    {
        var meter = meters.Create(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.ActivitySourceName);
        _tasks = meter.CreateCounter<long>("agent_orchestration.tasks.finished", description: "Tasks that reached a terminal status, by status.");
        _stepDuration = meter.CreateHistogram<double>("agent_orchestration.step.duration", unit: "ms", description: "Time from a step's start to its end.");
        meter.CreateObservableGauge("agent_orchestration.tasks.running", () => signals.RunningCount,
            description: "Tasks this replica is executing (its share of the queue being worked on).");
        meter.CreateObservableGauge("agent_orchestration.tasks.queued", () => QueueDepth,
            description: "Tasks accepted but not yet started, across all replicas (sampled).");
    }

    /// <summary>Set by <see cref="QueueDepthSampler"/>: a gauge callback must not query the database itself.</summary>
    public long QueueDepth { get; set; }

    public void TaskFinished(string status) => _tasks.Add(1, new KeyValuePair<string, object?>("status", status));

    public void StepFinished(string tool, string status, double milliseconds) =>
        _stepDuration.Record(milliseconds, new("tool", tool), new("status", status));
}
