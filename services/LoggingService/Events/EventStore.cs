using AgentOrchestration.LoggingService.Infrastructure;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.LoggingService.Events;

public sealed record EventQuery(Guid TaskId, int After, string? MinLevel, string? Step, int Limit);

/// <summary>Stores and reads execution events.</summary>
public sealed class EventStore(LogsDbContext db)
{
    public static readonly string[] Levels = ["debug", "info", "warning", "error"];

    public static int Severity(string level) => Array.IndexOf(Levels, level);

    /// <summary>
    /// Stores the events that are new; returns those, in the order given (duplicates of at-least-once delivery are
    /// dropped). One INSERT … SELECT FROM unnest(…) for the whole batch: a row-by-row insert cost one round trip per
    /// event, which under load made the consumer fall behind and the live streams lag.
    /// </summary>
    public async Task<List<ExecutionEvent>> StoreAsync(IReadOnlyList<ExecutionEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var ids = events.Select(e => e.Id).ToArray();
        var taskIds = events.Select(e => e.TaskId).ToArray();
        var seqs = events.Select(e => e.Seq).ToArray();
        var stepIds = events.Select(e => e.StepId).ToArray();
        var ats = events.Select(e => e.At.ToUniversalTime()).ToArray();
        var levels = events.Select(e => e.Level).ToArray();
        var types = events.Select(e => e.Type).ToArray();
        var messages = events.Select(e => e.Message).ToArray();
        var data = events.Select(e => e.Data?.GetRawText()).ToArray();
        var agents = events.Select(e => e.Agent).ToArray();
        var traceIds = events.Select(e => e.TraceId).ToArray();
        var inserted = await db.Database.SqlQuery<Guid>($"""
            INSERT INTO execution_events (id, task_id, seq, step_id, at, level, type, message, data, agent, trace_id)
            SELECT * FROM unnest({ids}::uuid[], {taskIds}::uuid[], {seqs}::int[], {stepIds}::text[], {ats}::timestamptz[],
                                 {levels}::text[], {types}::text[], {messages}::text[], {data}::jsonb[], {agents}::text[], {traceIds}::text[])
            ON CONFLICT DO NOTHING
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);

        var isNew = inserted.ToHashSet();
        return events.Where(e => isNew.Remove(e.Id)).ToList();
    }

    public async Task<List<ExecutionEvent>> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        var events = db.Events.AsNoTracking().Where(e => e.TaskId == query.TaskId && e.Seq > query.After);
        if (query.MinLevel is { } level)
        {
            var allowed = Levels.Where(l => Severity(l) >= Severity(level)).ToList();
            events = events.Where(e => allowed.Contains(e.Level));
        }

        if (query.Step is { } step)
        {
            events = events.Where(e => e.StepId == step);
        }

        var rows = await events.OrderBy(e => e.Seq).Take(query.Limit).ToListAsync(cancellationToken);
        return rows.Select(ToContract).ToList();
    }

    /// <summary>The seq of the task's terminal event, or null while it has none.</summary>
    public Task<int?> TerminalSeqAsync(Guid taskId, CancellationToken cancellationToken) =>
        db.Events.AsNoTracking()
            .Where(e => e.TaskId == taskId && (e.Type == EventTypes.TaskSucceeded || e.Type == EventTypes.TaskFailed
                || e.Type == EventTypes.TaskCancelled || e.Type == EventTypes.TaskTimedOut))
            .Select(e => (int?)e.Seq)
            .MinAsync(cancellationToken);

    public static ExecutionEvent ToContract(StoredEvent e) =>
        new(e.Id, e.TaskId, e.StepId, e.Seq, e.At, e.Level, e.Type, e.Message, e.Data?.RootElement.Clone(), e.Agent, e.TraceId);

    public static bool IsTerminal(ExecutionEvent e) => EventTypes.IsTerminal(e.Type);
}
