using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// Runs one step: resolves its templates, calls the tool through the ToolService within the step's timeout, and
/// retries a failed attempt after the step's backoff (doubling each time) while its attempts last and a repeat is
/// allowed (<see cref="Repeat"/>). Every transition is journaled with its event. Whatever goes wrong inside a step
/// fails that step, once, with a clear error: it never crashes the task's run (which would run the step again).
/// </summary>
public sealed class StepExecutor(ToolInvocationClient tools, TaskMetrics metrics, TaskOptions options, TimeProvider clock, ILogger<StepExecutor> logger)
{
    public async Task RunAsync(TaskDefinition definition, StepDefinition step, Guid agentId, TaskJournal journal,
        ConcurrentDictionary<string, StepState> states, CancellationToken cancellationToken, CancellationToken stopping)
    {
        var state = states[step.Id];
        using var activity = TaskMetrics.Activity.StartActivity($"step {step.Id}");
        activity?.SetTag("task.id", journal.TaskId);
        activity?.SetTag("step.id", step.Id);
        activity?.SetTag("tool.name", step.Tool);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TaskId"] = journal.TaskId, ["StepId"] = step.Id });

        var stopwatch = Stopwatch.StartNew();
        var (arguments, refused) = ResolveArguments(definition, step, states);
        var attempts = state.Attempts + 1;
        await journal.WriteAsync(new JournalWrite(
            new StepChange(step.Id) { Status = StepStatuses.Running, Attempts = attempts, Starts = true, SetsInput = true, Input = arguments },
            new PendingEvent(EventTypes.StepStarted, "info", $"Step '{step.Id}' started: {step.Tool}.", step.Id,
                new { tool = step.Tool, attempt = attempts, input = arguments })));
        state.Status = StepStatuses.Running;
        state.Attempts = attempts;
        if (refused is not null)
        {
            await FinishAsync(journal, step, state, StepStatuses.Failed, null, refused, stopwatch);
            return;
        }

        var (maxAttempts, backoffMs) = step.Retry is { } retry ? (retry.MaxAttempts, retry.BackoffMs) : (options.DefaultMaxAttempts, options.DefaultBackoffMs);
        try
        {
            while (true)
            {
                var attempt = await AttemptAsync(step, agentId, arguments!.Value, line => ReportAsync(journal, step, line), cancellationToken);
                if (attempt.Succeeded && UnstorableOutput(attempt.Output) is { } unstorable)
                {
                    attempt = StepAttempt.Failed(unstorable, Repeat.Never);
                }

                if (attempt.Succeeded)
                {
                    await FinishAsync(journal, step, state, StepStatuses.Succeeded, attempt.Output, null, stopwatch);
                    return;
                }

                var mayRepeat = attempt.Repeat == Repeat.Safe || (attempt.Repeat == Repeat.IfStepAsks && step.Retry is not null);
                if (state.Attempts >= maxAttempts || !mayRepeat)
                {
                    await FinishAsync(journal, step, state, StepStatuses.Failed, null, attempt.Error, stopwatch);
                    return;
                }

                var backoff = TimeSpan.FromMilliseconds(backoffMs * Math.Pow(2, state.Attempts - 1));
                var next = state.Attempts + 1;
                await journal.WriteAsync(new JournalWrite(
                    new StepChange(step.Id) { Attempts = next, SetsError = true, Error = attempt.Error },
                    new PendingEvent(EventTypes.StepRetrying, "warning", $"Step '{step.Id}' attempt {state.Attempts} failed: {attempt.Error}", step.Id,
                        new { attempt = state.Attempts, error = attempt.Error, nextAttempt = next, backoffMs = (int)backoff.TotalMilliseconds })));
                state.Attempts = next;
                await Task.Delay(backoff, clock, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            await FinishAsync(journal, step, state, StepStatuses.Cancelled, null, "The step was stopped before it finished.", stopwatch);
        }
    }

    /// <summary>The step's arguments with templates resolved, or why they cannot be sent (too large, unstorable).</summary>
    private (JsonElement? Arguments, string? Refused) ResolveArguments(TaskDefinition definition, StepDefinition step, IReadOnlyDictionary<string, StepState> states)
    {
        var limit = options.MaxStepInputBytes;
        var tooLarge = $"The step's arguments are larger than {limit} bytes once their templates are resolved (Tasks:MaxStepInputBytes).";
        try
        {
            var resolved = Templates.Resolve(step.Arguments, StepState.Context(definition.Input, states), limit);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(resolved);
            if (bytes.Length > limit)
            {
                return (null, tooLarge);
            }

            var arguments = JsonDocument.Parse(bytes).RootElement;
            return StorableJson.FindUnstorable(arguments) is { } pointer
                ? (null, $"The step's argument at '{pointer}' cannot be stored: {StorableJson.Rule}")
                : (arguments, null);
        }
        catch (TemplateTooLargeException)
        {
            return (null, tooLarge);
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException or ArgumentException)
        {
            logger.LogWarning(ex, "Resolving the arguments of step {StepId} failed", step.Id);
            return (null, StorableJson.Clean($"The step's arguments could not be resolved: {ex.Message}"));
        }
    }

    /// <summary>The ToolService refuses outputs Postgres cannot hold; this is the engine's own check, so a write never loops on one.</summary>
    private static string? UnstorableOutput(JsonElement? output) =>
        output is { } o && StorableJson.FindUnstorable(o) is { } pointer
            ? $"The tool's output cannot be stored: the value at '{pointer}' breaks the rule. {StorableJson.Rule}"
            : null;

    /// <summary>A tool's progress or log message during the call becomes a step.progress event of the task.</summary>
    private async Task ReportAsync(TaskJournal journal, StepDefinition step, InvocationLine line)
    {
        if (StepUpdateEvents.From(step.Id, line) is not { } update)
        {
            return;
        }

        if (!StorableJson.IsStorable(update.Message)
            || (update.Data is not null && StorableJson.FindUnstorable(JsonSerializer.SerializeToElement(update.Data, JsonSerializerOptions.Web)) is not null))
        {
            logger.LogWarning("Step {StepId} reported progress that cannot be stored; it is dropped", step.Id);
            return;
        }

        await journal.WriteAsync(JournalWrite.EventsOnly(update));
    }

    private async Task<StepAttempt> AttemptAsync(StepDefinition step, Guid agentId, JsonElement arguments,
        Func<InvocationLine, Task> onUpdate, CancellationToken cancellationToken)
    {
        var timeoutMs = step.TimeoutMs ?? options.DefaultStepTimeoutMs;
        // The step's limit runs on the injected clock (a linked source's CancelAfter would use the system timer).
        using var limit = new CancellationTokenSource(TimeSpan.FromMilliseconds(timeoutMs), clock);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            return await tools.InvokeAsync(step.Tool, agentId, arguments, onUpdate, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The call may have reached the tool: repeat it only if the step asks for retries.
            return StepAttempt.Failed($"The step did not finish within its timeout of {timeoutMs} ms.", Repeat.IfStepAsks);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or LeaseLostException or DbException or DbUpdateException))
        {
            // An answer this engine could not read, or a bug: fail the step once, clearly, instead of crashing the run.
            // Database failures go on up: a passing outage resumes the task, an unstorable write ends it (TaskRunner).
            logger.LogError(ex, "Step {StepId} failed unexpectedly", step.Id);
            return StepAttempt.Failed($"The step failed unexpectedly: {ex.GetType().Name}: {ex.Message}", Repeat.Never);
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
        await journal.DeferAsync(new JournalWrite(
            new StepChange(step.Id) { Status = status, Finishes = true, SetsOutput = true, Output = output, SetsError = true, Error = error },
            new PendingEvent(type, level, message, step.Id,
                new { status, attempts = state.Attempts, durationMs = stopwatch.ElapsedMilliseconds, output, error })));
        state.Status = status;
        state.Output = output;
        metrics.StepFinished(step.Tool, status, stopwatch.Elapsed.TotalMilliseconds);
    }
}
