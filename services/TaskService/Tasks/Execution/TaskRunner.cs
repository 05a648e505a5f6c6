using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// A task as its accepting replica has just committed it (queued, leased to this replica) with its parsed
/// definition: the run starts from this, not from a read of the row. The record is the runner's own (not tracked).
/// </summary>
public sealed record AcceptedTask(TaskRecord Record, TaskDefinition Definition);

/// <summary>
/// Executes one task this replica holds the lease on: steps whose dependencies are done run in parallel; a failed
/// step (after its retries) fails the task and skips what has not started, unless it may continue on error; the
/// deadline and cancellation stop running steps. A task resumed after a replica died skips steps that succeeded.
/// A task that keeps losing its runner (<see cref="TaskOptions.MaxTakeovers"/>) or whose state cannot be stored is
/// failed once with a clear error instead of being run again.
/// </summary>
public sealed class TaskRunner(
    IServiceScopeFactory scopes,
    StepExecutor steps,
    TaskWriteStore store,
    TaskSignals signals,
    TaskMetrics metrics,
    TaskOptions options,
    OutboxSignal outbox,
    TimeProvider clock,
    ILogger<TaskRunner> logger)
{
    /// <summary>
    /// Runs the task. <paramref name="accepted"/> is the row this replica has just written (and leases) with its
    /// definition: the run starts from it without reading the task back; a claimed task is read first.
    /// </summary>
    public async Task RunAsync(Guid taskId, CancellationToken stopping, AcceptedTask? accepted = null)
    {
        var task = accepted?.Record ?? await LoadAsync(taskId, stopping);
        if (task is null || TaskStatuses.IsTerminal(task.Status))
        {
            signals.Finished(taskId);
            return;
        }

        // Deserialised once per run: every step, template and the final view use this one object.
        var definition = accepted?.Definition ?? TaskDefinition.FromDocument(task.Definition);
        var traceId = ActivityContext.TryParse(task.TraceParent, null, out var parent) ? parent.TraceId.ToHexString() : null;
        using var activity = TaskMetrics.Activity.StartActivity("task", ActivityKind.Internal, parent);
        activity?.SetTag("task.id", taskId);
        activity?.SetTag("agent.name", task.AgentName);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TaskId"] = taskId, ["Agent"] = task.AgentName });

        var journal = new TaskJournal(task, definition, traceId, store, scopes, options, outbox, clock);
        using var cancel = new CancellationTokenSource();
        // On the injected clock, so the deadline passes when that clock says so (tests advance a fake one).
        using var deadline = task.DeadlineAt is { } at
            ? new CancellationTokenSource(at - clock.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.Zero, clock)
            : new CancellationTokenSource();
        using var leaseLost = new CancellationTokenSource();
        using var aborted = new CancellationTokenSource();
        using var all = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancel.Token, deadline.Token, leaseLost.Token, aborted.Token);
        if (task.CancelRequested)
        {
            await cancel.CancelAsync();
        }

        signals.Running(taskId, cancel);
        using var heartbeat = new CancellationTokenSource();
        var heartbeatLoop = HeartbeatAsync(journal, cancel, leaseLost, heartbeat.Token);
        try
        {
            var states = new ConcurrentDictionary<string, StepState>(task.Steps.ToDictionary(s => s.StepId, StepState.Resume));
            if (task.Status == TaskStatuses.Queued)
            {
                // Committed with the first step's start (or skip), which follows at once: one commit instead of two.
                await journal.DeferAsync(new JournalWrite(true, [],
                    [new PendingEvent(EventTypes.TaskStarted, "info", $"Task started by agent '{task.AgentName}'.",
                        Data: new { steps = definition.Steps.Count })]));
            }

            if (task.Takeovers > options.MaxTakeovers)
            {
                await AbortAsync(journal, states, $"The task lost its runner {task.Takeovers} times (a replica stopped or its run crashed " +
                    "while it ran); it is failed rather than run again.");
                return;
            }

            var failure = await RunStepsAsync(definition, task.AgentId, journal, states, all.Token, stopping, aborted);
            await FinishAsync(definition, journal, states, failure, cancel.IsCancellationRequested, deadline.IsCancellationRequested);
        }
        catch (Exception ex) when (UnstorableWrite.Is(ex, out var postgres))
        {
            // Writing the same change again would fail the same way: end the task now, once, saying why.
            logger.LogError(ex, "A state change of task {TaskId} cannot be stored; the task is failed", taskId);
            journal.DiscardDeferred();
            var reason = $"A state change could not be stored ({UnstorableWrite.Describe(postgres!)}).";
            try
            {
                await AbortAsync(journal, new ConcurrentDictionary<string, StepState>(), reason);
            }
            catch (Exception again) when (UnstorableWrite.Is(again, out _))
            {
                await ForceFailAsync(taskId, reason);
            }
        }
        catch (LeaseLostException)
        {
            logger.LogWarning("Task {TaskId} was taken over by another replica; stopping here", taskId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the lease lapses and another replica resumes the task.
        }
        finally
        {
            await heartbeat.CancelAsync();
            await heartbeatLoop;
            signals.NotRunning(taskId);
        }
    }

    /// <summary>Runs the DAG; returns the first step failure that fails the task, or null.</summary>
    private async Task<string?> RunStepsAsync(TaskDefinition definition, Guid agentId, TaskJournal journal,
        ConcurrentDictionary<string, StepState> states, CancellationToken cancellationToken, CancellationToken stopping, CancellationTokenSource abort)
    {
        var running = new Dictionary<string, Task>();
        string? failure = null;
        while (true)
        {
            var runningBefore = running.Count;
            if (failure is null && !cancellationToken.IsCancellationRequested)
            {
                foreach (var step in definition.Steps.Where(s => states[s.Id].Status == StepStatuses.Pending && !running.ContainsKey(s.Id)))
                {
                    var dependencies = step.DependsOn.Select(d => (Definition: definition.Step(d), State: states[d])).ToList();
                    if (dependencies.Any(d => !StepStatuses.IsDone(d.State.Status)) || running.Count >= options.MaxParallelSteps)
                    {
                        continue;
                    }

                    if (dependencies.Any(d => d.State.Status != StepStatuses.Succeeded
                                              && !(d.State.Status == StepStatuses.Failed && d.Definition.ContinueOnError)))
                    {
                        await SkipAsync(journal, states, step.Id, "a step it depends on did not succeed");
                        continue;
                    }

                    running[step.Id] = steps.RunAsync(definition, step, agentId, journal, states, cancellationToken, stopping);
                }
            }

            if (running.Count == 0)
            {
                break; // the skips and the task's end below commit what a finished step deferred
            }

            if (running.Count == runningBefore)
            {
                // No step started to carry what a finished step deferred, and the others may run for long: commit now.
                await journal.FlushAsync();
            }

            var done = await Task.WhenAny(running.Values);
            var id = running.First(r => r.Value == done).Key;
            running.Remove(id);
            if (done.IsFaulted)
            {
                // Lease lost, or a write that cannot be stored: stop the other steps before the run ends.
                await abort.CancelAsync();
                await Task.WhenAll(running.Values.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
                await done;
            }

            if (states[id].Status == StepStatuses.Failed && !definition.Step(id).ContinueOnError)
            {
                failure ??= $"Step '{id}' failed.";
            }
        }

        // Shutting down is not the task's end: leave what is left for the replica that resumes it.
        stopping.ThrowIfCancellationRequested();
        foreach (var step in definition.Steps.Where(s => states[s.Id].Status == StepStatuses.Pending))
        {
            await SkipAsync(journal, states, step.Id, failure is not null ? "the task failed" : "the task stopped");
        }

        return failure;
    }

    private static async Task SkipAsync(TaskJournal journal, ConcurrentDictionary<string, StepState> states, string stepId, string reason)
    {
        await journal.WriteAsync(new JournalWrite(
            new StepChange(stepId) { Status = StepStatuses.Skipped, Finishes = true },
            new PendingEvent(EventTypes.StepSkipped, "info", $"Step '{stepId}' was skipped: {reason}.", stepId)));
        states[stepId].Status = StepStatuses.Skipped;
    }

    private async Task FinishAsync(TaskDefinition definition, TaskJournal journal, IReadOnlyDictionary<string, StepState> states,
        string? failure, bool cancelled, bool timedOut)
    {
        string? resultProblem = null;
        JsonElement? result = null;
        if (!cancelled && !timedOut && failure is null)
        {
            (result, resultProblem) = Result(definition, states);
        }

        var (status, type, level, message, value) = (cancelled, timedOut, failure ?? resultProblem) switch
        {
            (true, _, _) => (TaskStatuses.Cancelled, EventTypes.TaskCancelled, "warning", "Task cancelled.", null),
            (_, true, _) => (TaskStatuses.TimedOut, EventTypes.TaskTimedOut, "error", $"Task passed its deadline of {definition.TimeoutMs} ms.", null),
            (_, _, { } f) => (TaskStatuses.Failed, EventTypes.TaskFailed, "error", $"Task failed: {f}", null),
            _ => (TaskStatuses.Succeeded, EventTypes.TaskSucceeded, "info", "Task succeeded.", result),
        };
        await EndAsync(journal, status, type, level, message, value, null);
    }

    /// <summary>The task's result, unless its output template resolves to more than the limit.</summary>
    private (JsonElement? Result, string? Problem) Result(TaskDefinition definition, IReadOnlyDictionary<string, StepState> states)
    {
        try
        {
            return (StepState.Result(definition, states, options.MaxStepInputBytes), null);
        }
        catch (TemplateTooLargeException ex)
        {
            return (null, $"its output template resolves to more than {ex.Limit} characters (Tasks:MaxStepInputBytes).");
        }
    }

    /// <summary>
    /// Ends the task without running (more of) it: steps still running fail, pending ones are skipped, the task fails
    /// with the reason (or is cancelled, if a cancel was accepted first).
    /// </summary>
    private Task AbortAsync(TaskJournal journal, IReadOnlyDictionary<string, StepState> states, string reason)
    {
        foreach (var state in states.Values.Where(s => !StepStatuses.IsDone(s.Status)))
        {
            state.Status = StepStatuses.Skipped;
        }

        return EndAsync(journal, TaskStatuses.Failed, EventTypes.TaskFailed, "error", $"Task failed: {reason}", null, reason);
    }

    /// <summary>
    /// The last resort when even the failure cannot be journaled (something every write of the task carries is refused):
    /// the task row alone is marked failed, without its event, so it is not run again.
    /// </summary>
    private async Task ForceFailAsync(Guid taskId, string reason)
    {
        logger.LogError("Task {TaskId} is failed without its terminal event: {Reason}", taskId, reason);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
        await db.Tasks.Where(t => t.Id == taskId && t.LeaseOwner == options.ReplicaId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.Status, TaskStatuses.Failed)
            .SetProperty(t => t.Error, reason)
            .SetProperty(t => t.FinishedAt, clock.GetUtcNow())
            .SetProperty(t => t.LeaseOwner, (string?)null));
        metrics.TaskFinished(TaskStatuses.Failed);
        signals.Finished(taskId);
    }

    /// <summary>
    /// The task's last write. Its outcome is decided with the cancel flag as the database holds it at that moment
    /// (a cancel that committed first makes it "cancelled"); <paramref name="abortReason"/> also fails the steps
    /// still running and skips the pending ones. Waiters here get the finished task from memory.
    /// </summary>
    private async Task EndAsync(TaskJournal journal, string status, string type, string level, string message, JsonElement? result,
        string? abortReason)
    {
        const string cancelledMessage = "Task cancelled.";
        var final = new FinalChange(status, result, status == TaskStatuses.Succeeded ? null : message, cancelledMessage, abortReason);
        var ended = await journal.WriteFinalAsync(final,
            new PendingEvent(type, level, message, Data: new { status, result }),
            new PendingEvent(EventTypes.TaskCancelled, "warning", cancelledMessage, Data: new { status = TaskStatuses.Cancelled, result = (JsonElement?)null }));
        metrics.TaskFinished(ended);
        signals.Finished(journal.TaskId, TaskView.From(journal.Mirror, journal.Definition));
        logger.LogInformation("Task {TaskId} finished: {Status}", journal.TaskId, ended);
    }

    /// <summary>Renews the lease; notices a cancel requested on another replica, and a lease lost to a takeover.</summary>
    private async Task HeartbeatAsync(TaskJournal journal, CancellationTokenSource cancel, CancellationTokenSource leaseLost, CancellationToken stop)
    {
        var period = options.LeaseDuration / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, clock, stop);
                var (owned, cancelRequested) = await journal.RenewLeaseAsync(stop);
                if (!owned)
                {
                    await leaseLost.CancelAsync();
                    return;
                }

                if (cancelRequested)
                {
                    await cancel.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                // Postgres may be restarting; the lease outlives a few missed renewals.
                logger.LogWarning(ex, "Renewing the lease of task {TaskId} failed", journal.TaskId);
            }
        }
    }

    private async Task<TaskRecord?> LoadAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
        return await db.Tasks.AsNoTracking().Include(t => t.Steps).FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
    }
}
