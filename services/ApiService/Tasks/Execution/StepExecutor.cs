using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using AgentOrchestration.ApiService.Tasks.Definition;
using AgentOrchestration.ApiService.Tasks.Model;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ApiService.Tasks.Execution;

/// <summary>
/// Runs one step: resolves its templates, calls the tool through the ToolService within the step's timeout, and
/// retries a failed attempt after the step's backoff (doubling each time) until its attempts are used up.
/// Every transition is journaled with its event.
/// </summary>
public sealed class StepExecutor(ToolInvocationClient tools, TaskMetrics metrics, TimeProvider clock, ILogger<StepExecutor> logger)
{
    public async Task RunAsync(TaskDefinition definition, StepDefinition step, string agent, TaskJournal journal,
        ConcurrentDictionary<string, StepState> states, CancellationToken cancellationToken, CancellationToken stopping)
    {
        var state = states[step.Id];
        using var activity = TaskMetrics.Activity.StartActivity($"step {step.Id}");
        activity?.SetTag("task.id", journal.TaskId);
        activity?.SetTag("step.id", step.Id);
        activity?.SetTag("tool.name", step.Tool);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TaskId"] = journal.TaskId, ["StepId"] = step.Id });

        var arguments = JsonSerializer.SerializeToElement(Templates.Resolve(step.Arguments, StepState.Context(definition.Input, states)));
        var attempts = state.Attempts + 1;
        await journal.WriteAsync(
            (db, now) => Update(db, journal.TaskId, step.Id, s => s
                .SetProperty(x => x.Status, StepStatuses.Running)
                .SetProperty(x => x.Attempts, attempts)
                .SetProperty(x => x.StartedAt, now)
                .SetProperty(x => x.Input, JsonDocument.Parse(arguments.GetRawText()))),
            new PendingEvent(EventTypes.StepStarted, "info", $"Step '{step.Id}' started: {step.Tool}.", step.Id,
                new { tool = step.Tool, attempt = attempts, input = arguments }));
        state.Status = StepStatuses.Running;
        state.Attempts = attempts;

        var stopwatch = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var attempt = await AttemptAsync(step, agent, arguments, line => ReportAsync(journal, step, line), cancellationToken);
                if (attempt.Succeeded)
                {
                    await FinishAsync(journal, step, state, StepStatuses.Succeeded, attempt.Output, null, stopwatch);
                    return;
                }

                if (state.Attempts >= step.Retry.MaxAttempts || !attempt.Retryable)
                {
                    await FinishAsync(journal, step, state, StepStatuses.Failed, null, attempt.Error, stopwatch);
                    return;
                }

                var backoff = TimeSpan.FromMilliseconds(step.Retry.BackoffMs * Math.Pow(2, state.Attempts - 1));
                var next = state.Attempts + 1;
                await journal.WriteAsync(
                    (db, _) => Update(db, journal.TaskId, step.Id, s => s.SetProperty(x => x.Attempts, next).SetProperty(x => x.Error, attempt.Error)),
                    new PendingEvent(EventTypes.StepRetrying, "warning", $"Step '{step.Id}' attempt {state.Attempts} failed: {attempt.Error}", step.Id,
                        new { attempt = state.Attempts, error = attempt.Error, nextAttempt = next, backoffMs = (int)backoff.TotalMilliseconds }));
                state.Attempts = next;
                await Task.Delay(backoff, clock, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            await FinishAsync(journal, step, state, StepStatuses.Cancelled, null, "The step was stopped before it finished.", stopwatch);
        }
    }

    /// <summary>A tool's progress or log message during the call becomes a step.progress event of the task.</summary>
    private static Task ReportAsync(TaskJournal journal, StepDefinition step, InvocationLine line) =>
        StepUpdateEvents.From(step.Id, line) is { } update ? journal.WriteAsync((_, _) => Task.CompletedTask, update) : Task.CompletedTask;

    private async Task<StepAttempt> AttemptAsync(StepDefinition step, string agent, JsonElement arguments,
        Func<InvocationLine, Task> onUpdate, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (step.TimeoutMs is { } ms)
        {
            timeout.CancelAfter(ms);
        }

        try
        {
            return await tools.InvokeAsync(step.Tool, agent, arguments, onUpdate, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new StepAttempt(false, null, $"The step did not finish within its timeout of {step.TimeoutMs} ms.", Retryable: true);
        }
    }

    private async Task FinishAsync(TaskJournal journal, StepDefinition step, StepState state, string status, JsonElement? output, string? error, Stopwatch stopwatch)
    {
        var (type, level, message) = status switch
        {
            StepStatuses.Succeeded => (EventTypes.StepSucceeded, "info", $"Step '{step.Id}' succeeded."),
            StepStatuses.Cancelled => (EventTypes.StepFailed, "warning", $"Step '{step.Id}' was cancelled."),
            _ => (EventTypes.StepFailed, "error", $"Step '{step.Id}' failed after {state.Attempts} attempt(s): {error}"),
        };
        // Deferred: the runner commits it at once with what follows (dependent steps' start, the task's end) or alone.
        await journal.DeferAsync(
            (db, now) => Update(db, journal.TaskId, step.Id, s => s
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.Output, output is { } o ? JsonDocument.Parse(o.GetRawText()) : null)
                .SetProperty(x => x.Error, error)
                .SetProperty(x => x.FinishedAt, now)),
            new PendingEvent(type, level, message, step.Id,
                new { status, attempts = state.Attempts, durationMs = stopwatch.ElapsedMilliseconds, output, error }));
        state.Status = status;
        state.Output = output;
        metrics.StepFinished(step.Tool, status, stopwatch.Elapsed.TotalMilliseconds);
    }

    private static Task<int> Update(Infrastructure.TasksDbContext db, Guid taskId, string stepId,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<TaskStepRecord>> setters) =>
        db.Steps.Where(s => s.TaskId == taskId && s.StepId == stepId).ExecuteUpdateAsync(setters);
}
