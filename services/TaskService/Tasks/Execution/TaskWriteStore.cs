using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// One state change of a running task as ONE Postgres statement (one round trip, auto-prepared, no EF): the fence
/// UPDATE of the task row (owner and last seq must still be ours; it also renews the lease and carries the task's
/// own change), then, fed by the fence's RETURNING, the step updates and the event inserts. Every part reads from
/// the fence, so a stale owner's write matches no row anywhere and changes nothing; its empty answer is how it
/// learns it lost the lease. The statement's text never changes (steps and events travel as jsonb arrays), so each
/// pooled connection prepares it once.
/// </summary>
public sealed class TaskWriteStore(NpgsqlDataSource dataSource) : IDisposable
{
    /// <summary>
    /// The one statement. A single statement may not modify the task row twice, so the task's change lives in the
    /// fence itself; the final write decides "cancelled" from the cancel flag of the row it locks (CASE), exactly
    /// as a separate fence-then-decide would, and inserts only the events of the outcome that applied.
    /// </summary>
    internal const string Sql = """
        WITH fence AS (
            UPDATE tasks SET
                last_seq = $4,
                lease_expires_at = $5,
                status = CASE WHEN $7 THEN (CASE WHEN cancel_requested THEN 'cancelled' ELSE $8 END)
                              WHEN $6 THEN 'running' ELSE status END,
                started_at = CASE WHEN $6 THEN $1 ELSE started_at END,
                finished_at = CASE WHEN $7 THEN $1 ELSE finished_at END,
                result = CASE WHEN $7 AND NOT cancel_requested THEN $9 WHEN $7 THEN NULL ELSE result END,
                error = CASE WHEN $7 THEN (CASE WHEN cancel_requested THEN $11 ELSE $10 END) ELSE error END,
                lease_owner = CASE WHEN $7 THEN NULL ELSE lease_owner END
            WHERE id = $2 AND lease_owner = $3 AND last_seq = $15
            RETURNING cancel_requested),
        changed AS (
            UPDATE task_steps s SET
                status = coalesce(c.status, s.status),
                attempts = coalesce(c.attempts, s.attempts),
                started_at = CASE WHEN c.starts THEN $1 ELSE s.started_at END,
                finished_at = CASE WHEN c.finishes THEN $1 ELSE s.finished_at END,
                input = CASE WHEN c.sets_input THEN c.input ELSE s.input END,
                output = CASE WHEN c.sets_output THEN c.output ELSE s.output END,
                error = CASE WHEN c.sets_error THEN c.error ELSE s.error END
            FROM fence, jsonb_to_recordset($12) AS c(step_id text, status text, attempts int, starts bool, finishes bool,
                sets_input bool, input jsonb, sets_output bool, output jsonb, sets_error bool, error text)
            WHERE s.task_id = $2 AND s.step_id = c.step_id
            RETURNING s.step_id),
        aborted AS (
            UPDATE task_steps s SET
                status = CASE WHEN s.status = 'running' THEN 'failed' ELSE 'skipped' END,
                error = CASE WHEN s.status = 'running' THEN $13 ELSE s.error END,
                finished_at = $1
            FROM fence
            WHERE $13 IS NOT NULL AND s.task_id = $2 AND s.status IN ('running', 'pending')
              AND s.step_id NOT IN (SELECT step_id FROM changed)
            RETURNING s.step_id),
        inserted AS (
            INSERT INTO task_events (id, task_id, seq, step_id, at, level, type, message, data, agent_name, trace_id)
            SELECT e.id, $2, e.seq, e.step_id, $1, e.level, e.type, e.message, e.data, $16, $17
            FROM fence, jsonb_to_recordset($14) AS e(id uuid, seq int, step_id text, level text, type text, message text,
                data jsonb, on_cancel bool)
            WHERE e.on_cancel IS NULL OR e.on_cancel = fence.cancel_requested
            RETURNING 1)
        SELECT cancel_requested, (SELECT count(*) FROM aborted)::int FROM fence
        """;

    /// <summary>Runs one write; null when the fence matched nothing (the lease is someone else's), else the cancel flag it read.</summary>
    public async Task<bool?> WriteAsync(TaskWriteCommand write, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Sql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = write.Now });
        p.Add(new NpgsqlParameter<Guid> { TypedValue = write.TaskId });
        p.Add(new NpgsqlParameter<string> { TypedValue = write.Owner });
        p.Add(new NpgsqlParameter<int> { TypedValue = write.NextSeq });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = write.LeaseExpiresAt });
        p.Add(new NpgsqlParameter<bool> { TypedValue = write.TaskStarts });
        p.Add(new NpgsqlParameter<bool> { TypedValue = write.Final is not null });
        p.Add(Text(write.Final?.Status));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)write.Final?.Result?.GetRawText() ?? DBNull.Value });
        p.Add(Text(write.Final?.Error));
        p.Add(Text(write.Final?.CancelledError));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = write.StepsJson });
        p.Add(Text(write.Final?.AbortReason));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = write.EventsJson });
        p.Add(new NpgsqlParameter<int> { TypedValue = write.LastSeq });
        p.Add(new NpgsqlParameter<string> { TypedValue = write.AgentName });
        p.Add(Text(write.TraceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetBoolean(0) : null;
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    /// <summary>
    /// The hot path's own pool on tasksdb: auto-prepared statements (the fixed write above is prepared on its second
    /// use per connection, with no extra round trip).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 };
        return NpgsqlDataSource.Create(builder);
    }

    public void Dispose() => dataSource.Dispose();
}

/// <summary>The task's last change: its outcome unless a cancel committed first (then "cancelled" with <see cref="CancelledError"/>).</summary>
public sealed record FinalChange(string Status, JsonElement? Result, string? Error, string CancelledError, string? AbortReason);

/// <summary>Everything one <see cref="TaskWriteStore.WriteAsync"/> sends.</summary>
public sealed record TaskWriteCommand(
    Guid TaskId, string Owner, int LastSeq, int NextSeq, DateTimeOffset Now, DateTimeOffset LeaseExpiresAt, bool TaskStarts,
    FinalChange? Final, string StepsJson, string EventsJson, string AgentName, string? TraceId);
