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

    /// <summary>Stores the events that are new; returns those (duplicates of at-least-once delivery are dropped).</summary>
    public async Task<List<ExecutionEvent>> StoreAsync(IReadOnlyList<ExecutionEvent> events, CancellationToken cancellationToken)
    {
        var stored = new List<ExecutionEvent>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var e in events)
        {
            var data = e.Data?.GetRawText();
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO execution_events (id, task_id, seq, step_id, at, level, type, message, data, agent, trace_id)
                VALUES ({e.Id}, {e.TaskId}, {e.Seq}, {e.StepId}, {e.At}, {e.Level}, {e.Type}, {e.Message}, {data}::jsonb, {e.Agent}, {e.TraceId})
                ON CONFLICT DO NOTHING
                """, cancellationToken);
            if (inserted == 1)
            {
                stored.Add(e);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
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

    public static ExecutionEvent ToContract(StoredEvent e) =>
        new(e.Id, e.TaskId, e.StepId, e.Seq, e.At, e.Level, e.Type, e.Message, e.Data?.RootElement.Clone(), e.Agent, e.TraceId);

    public static bool IsTerminal(ExecutionEvent e) => EventTypes.IsTerminal(e.Type);
}
