using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>The replica no longer holds the task's lease: another one has taken over, so this one must stop.</summary>
public sealed class LeaseLostException(Guid taskId) : Exception($"The lease on task {taskId} was lost.");

/// <summary>
/// Writes one running task's state changes, each as one statement with the events that report it
/// (<see cref="TaskWriteStore"/>: one round trip). Every write is fenced by the lease (owner and last seq must still
/// be ours), renews the lease, and numbers the events gap-free. Writes of one task are serialised, so parallel steps
/// never race for a seq. A change can also be deferred: it is then committed with the next write (or
/// <see cref="FlushAsync"/>), so two changes that happen back to back (task started + first step started; last step
/// done + task done) cost one round trip. Callers defer only when a write follows at once, so nothing waits longer
/// to become durable than it did before.
/// What each write committed is applied to <see cref="Mirror"/>, a copy of the task row and its steps as the
/// database now holds them, so the task's end can be answered from memory without reading it back.
/// </summary>
public sealed class TaskJournal(
    TaskRecord mirror, TaskDefinition definition, string? traceId, TaskWriteStore store, IServiceScopeFactory scopes, TaskOptions options,
    OutboxSignal outbox, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<JournalWrite> _deferred = [];
    private readonly Dictionary<string, TaskStepRecord> _steps = mirror.Steps.ToDictionary(s => s.StepId);

    public Guid TaskId => mirror.Id;

    public int LastSeq => mirror.LastSeq;

    /// <summary>The task as committed so far (read it only after the final write: writes change it).</summary>
    public TaskRecord Mirror => mirror;

    /// <summary>Holds the change and its events back until the next write, which commits them first.</summary>
    public async Task DeferAsync(JournalWrite write)
    {
        await _gate.WaitAsync();
        try
        {
            _deferred.Add(write);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits the deferred changes now, if there are any.</summary>
    public Task FlushAsync() => WriteAsync(new JournalWrite());

    /// <summary>
    /// Forgets the deferred changes: after a write failed for a reason no repeat heals (<see cref="UnstorableWrite"/>),
    /// they would only fail again; the runner then ends the task with a write of its own.
    /// </summary>
    public void DiscardDeferred()
    {
        _gate.Wait();
        try
        {
            _deferred.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies the deferred changes and this one, and writes all their events, atomically; throws
    /// <see cref="LeaseLostException"/> if fenced off.
    /// </summary>
    public Task WriteAsync(JournalWrite write) => CommitAsync(write, null, null);

    /// <summary>
    /// The task's last write: its outcome, unless the task's cancel flag (read under the row lock of the same
    /// statement) says a cancel committed first, in which case it ends "cancelled" with <paramref name="cancelled"/>
    /// as its event: a cancel and the task's end are decided once, in the database; a cancel that comes later finds
    /// the task finished (409). Returns the status it ended with.
    /// </summary>
    public async Task<string> WriteFinalAsync(FinalChange final, PendingEvent outcome, PendingEvent cancelled)
    {
        string status = "";
        await CommitAsync(new JournalWrite(), final, (outcome, cancelled, s => status = s));
        return status;
    }

    private async Task CommitAsync(JournalWrite write, FinalChange? final, (PendingEvent Outcome, PendingEvent Cancelled, Action<string> Ended)? end)
    {
        await _gate.WaitAsync();
        try
        {
            List<JournalWrite> writes = [.. _deferred, write];
            var events = writes.SelectMany(w => w.Events).ToList();
            // Both possible outcomes of the final write take the same seq: only one of them is inserted.
            var count = events.Count + (end is null ? 0 : 1);
            if (count == 0)
            {
                return;
            }

            var now = TruncateToMicroseconds(clock.GetUtcNow());
            var lastSeq = mirror.LastSeq;
            var nextSeq = lastSeq + count;
            var steps = writes.SelectMany(w => w.Steps).ToList();
            var taskStarts = writes.Any(w => w.TaskStarts);
            var eventsJson = EventsJson(events, end, lastSeq, now);
            var leaseExpires = now + options.LeaseDuration;
            var cancelRequested = await store.WriteAsync(new TaskWriteCommand(
                mirror.Id, options.ReplicaId, lastSeq, nextSeq, now, leaseExpires, taskStarts, final,
                StepsJson(steps), eventsJson, mirror.AgentName, traceId));
            if (cancelRequested is null)
            {
                throw new LeaseLostException(mirror.Id);
            }

            Apply(now, leaseExpires, nextSeq, taskStarts, steps, final, cancelRequested.Value);
            if (end is { } e)
            {
                e.Ended(mirror.Status);
            }

            _deferred.Clear();
            outbox.Set();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What the statement just committed, applied to the mirror the same way (see <see cref="TaskWriteStore.Sql"/>).</summary>
    private void Apply(DateTimeOffset now, DateTimeOffset leaseExpires, int nextSeq, bool taskStarts, List<StepChange> steps,
        FinalChange? final, bool cancelRequested)
    {
        mirror.LastSeq = nextSeq;
        mirror.LeaseExpiresAt = leaseExpires;
        mirror.CancelRequested = cancelRequested;
        if (taskStarts)
        {
            mirror.Status = TaskStatuses.Running;
            mirror.StartedAt = now;
        }

        foreach (var change in steps)
        {
            var step = _steps[change.StepId];
            step.Status = change.Status ?? step.Status;
            step.Attempts = change.Attempts ?? step.Attempts;
            step.StartedAt = change.Starts ? now : step.StartedAt;
            step.FinishedAt = change.Finishes ? now : step.FinishedAt;
            step.Input = change.SetsInput ? Document(change.Input) : step.Input;
            step.Output = change.SetsOutput ? Document(change.Output) : step.Output;
            step.Error = change.SetsError ? change.Error : step.Error;
        }

        if (final is null)
        {
            return;
        }

        if (final.AbortReason is { } reason)
        {
            var changed = steps.Select(s => s.StepId).ToHashSet();
            foreach (var step in mirror.Steps.Where(s => s.Status is StepStatuses.Running or StepStatuses.Pending && !changed.Contains(s.StepId)))
            {
                step.Error = step.Status == StepStatuses.Running ? reason : step.Error;
                step.Status = step.Status == StepStatuses.Running ? StepStatuses.Failed : StepStatuses.Skipped;
                step.FinishedAt = now;
            }
        }

        mirror.Status = cancelRequested ? TaskStatuses.Cancelled : final.Status;
        mirror.FinishedAt = now;
        mirror.Result = cancelRequested ? null : Document(final.Result);
        mirror.Error = cancelRequested ? final.CancelledError : final.Error;
        mirror.LeaseOwner = null;
    }

    /// <summary>Postgres keeps microseconds: the mirror holds the time exactly as a read of the row would return it.</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    private static JsonDocument? Document(JsonElement? value) =>
        value is { ValueKind: not JsonValueKind.Null } v ? JsonDocument.Parse(v.GetRawText()) : null;

    private static string StepsJson(List<StepChange> steps)
    {
        if (steps.Count == 0)
        {
            return "[]";
        }

        return JsonSerializer.Serialize(steps.Select(s => new
        {
            step_id = s.StepId, status = s.Status, attempts = s.Attempts, starts = s.Starts, finishes = s.Finishes,
            sets_input = s.SetsInput, input = s.Input, sets_output = s.SetsOutput, output = s.Output, sets_error = s.SetsError, error = s.Error,
        }));
    }

    private static string EventsJson(List<PendingEvent> events, (PendingEvent Outcome, PendingEvent Cancelled, Action<string>)? end, int lastSeq,
        DateTimeOffset now)
    {
        var seq = lastSeq;
        var rows = events.Select(e => Row(e, ++seq, null)).ToList();
        if (end is { } final)
        {
            ++seq;
            rows.Add(Row(final.Outcome, seq, false));
            rows.Add(Row(final.Cancelled, seq, true));
        }

        return JsonSerializer.Serialize(rows);

        object Row(PendingEvent e, int s, bool? onCancel) => new
        {
            id = Guid.CreateVersion7(now), seq = s, step_id = e.StepId, level = e.Level, type = e.Type, message = e.Message,
            data = e.Data is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(e.Data, JsonSerializerOptions.Web),
            on_cancel = onCancel,
        };
    }

    /// <summary>Extends the lease while steps run, reading the cancel flag in the same statement; Owned is false when it was lost.</summary>
    public async Task<(bool Owned, bool CancelRequested)> RenewLeaseAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
        var expires = clock.GetUtcNow() + options.LeaseDuration;
        var taskId = mirror.Id;
        var cancel = await db.Database.SqlQuery<bool>($"""
            UPDATE tasks SET lease_expires_at = {expires}
            WHERE id = {taskId} AND lease_owner = {options.ReplicaId}
            RETURNING cancel_requested AS "Value"
            """).ToListAsync(cancellationToken);
        return (cancel.Count > 0, cancel is [true]);
    }

    /// <summary>The definition this journal's task runs (deserialised once per run).</summary>
    public TaskDefinition Definition => definition;
}

/// <summary>
/// A change of one step. Null fields are left as they are; the Sets… flags say whether a nullable value is written
/// (a step's output is cleared by a failure, its error by a success).
/// </summary>
public sealed record StepChange(string StepId)
{
    public string? Status { get; init; }
    public int? Attempts { get; init; }
    /// <summary>started_at becomes the write's time.</summary>
    public bool Starts { get; init; }
    /// <summary>finished_at becomes the write's time.</summary>
    public bool Finishes { get; init; }
    public bool SetsInput { get; init; }
    public JsonElement? Input { get; init; }
    public bool SetsOutput { get; init; }
    public JsonElement? Output { get; init; }
    public bool SetsError { get; init; }
    public string? Error { get; init; }
}

/// <summary>One change of a task's state and the events that report it.</summary>
public sealed record JournalWrite(bool TaskStarts, StepChange[] Steps, PendingEvent[] Events)
{
    public JournalWrite() : this(false, [], [])
    {
    }

    public JournalWrite(StepChange step, PendingEvent e) : this(false, [step], [e])
    {
    }

    public static JournalWrite EventsOnly(params PendingEvent[] events) => new(false, [], events);
}
