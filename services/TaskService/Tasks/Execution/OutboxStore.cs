using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Where the relay stands: the last event it published (in (xid, task, seq) order) and the stream as it left it.</summary>
public sealed record OutboxCursor(long BatchId, ulong Xid, Guid TaskId, int Seq, long StreamAdded);

/// <summary>Events of the outbox the relay may publish now, with the cursor they follow.</summary>
public sealed record OutboxWindow(OutboxCursor? Cursor, ulong SnapshotXmax, bool HeldBack, List<OutboxEvent> Events);

public sealed record OutboxEvent(ulong Xid, ExecutionEvent Event);

/// <summary>
/// The outbox tables as the relay sees them (plain Npgsql, one round trip per step). <c>task_events.xid</c> is the
/// writing transaction's id (<c>pg_current_xact_id()</c>, a column default the writers never set);
/// <c>outbox_batches</c> holds one row per published batch: its last event and the stream entry id it got, which is
/// both the relay's cursor (the newest row) and the map from the LoggingService's acknowledged point back to events.
/// </summary>
public static class OutboxStore
{
    /// <summary>Serialises relays across replicas: a waiter blocks in Postgres until the holder commits, it never spins.</summary>
    private const long RelayLockKey = 0x5245_4C41_5900; // "RELAY"

    /// <summary>A cursor's stream_added when what the stream held is not known: the next batch takes the stream as it is.</summary>
    public const long StreamAddedUnknown = -1;

    /// <summary>
    /// The statement's horizon: the lowest transaction id still running in its snapshot that may belong to this
    /// database (else the snapshot's xmax). Every transaction below it has ended, so no event below it can still appear.
    /// Transactions of the cluster's other databases (the LoggingService storing events, the other services) cannot
    /// write task_events and do not hold it back: pg_stat_activity names their database. An id it cannot place (ended
    /// meanwhile, a prepared transaction, a role that may not see other sessions) counts as ours: late, never lost.
    /// </summary>
    private const string Horizon = """
        (SELECT COALESCE(min(x), pg_snapshot_xmax(pg_current_snapshot()))
         FROM pg_snapshot_xip(pg_current_snapshot()) x
         WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                           WHERE a.backend_xid = xid(x) AND a.datname IS DISTINCT FROM current_database()))
        """;

    /// <summary>
    /// The cursor and whether events wait above the horizon: max(xid) is one step down the index, where EXISTS with a
    /// bound unknown at planning time was a sequential scan of every event the outbox retains.
    /// </summary>
    internal const string CursorSql = $"""
        SELECT id, end_xid::text, end_task_id, end_seq, stream_added, pg_snapshot_xmax(pg_current_snapshot())::text,
               COALESCE((SELECT max(xid) FROM task_events) >= {Horizon}, false)
        FROM outbox_batches ORDER BY id DESC LIMIT 1
        """;

    /// <summary>
    /// The next batch ($1 events) after the cursor, below the horizon. The cursor goes in as one-row subqueries, which
    /// the plan takes as parameters, so the row comparison is the index's range condition; joined as a table, it
    /// was a filter applied to every retained event, on every poll.
    /// </summary>
    internal const string ReadEventsSql = $"""
        WITH c AS (SELECT end_xid, end_task_id, end_seq FROM outbox_batches ORDER BY id DESC LIMIT 1)
        SELECT e.xid::text, e.id, e.task_id, e.step_id, e.seq, e.at, e.level, e.type, e.message, e.data::text,
               e.agent_name, e.trace_id, t.agent_id
        FROM task_events e
        LEFT JOIN tasks t ON t.id = e.task_id
        WHERE (e.xid, e.task_id, e.seq) > ((SELECT end_xid FROM c), (SELECT end_task_id FROM c), (SELECT end_seq FROM c))
          AND e.xid < {Horizon}
        ORDER BY e.xid, e.task_id, e.seq
        LIMIT $1
        """;

    /// <summary>
    /// Takes the relay lock (waiting for another replica's batch to commit), then reads the cursor and the events
    /// after it whose transaction is below the <see cref="Horizon"/> (see <see cref="EventOutboxRelay"/>). The window's
    /// SnapshotXmax is the snapshot's xmax, which only grows: a cursor beyond it means the database was restored.
    /// </summary>
    public static async Task<OutboxWindow> LockAndReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int limit, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new($"SELECT pg_advisory_xact_lock({RelayLockKey})"),
                new(CursorSql),
                new(ReadEventsSql) { Parameters = { new() { Value = limit } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        OutboxCursor? cursor = null;
        ulong xmax = 0;
        var held = false;
        if (await reader.ReadAsync(cancellationToken))
        {
            cursor = new(reader.GetInt64(0), ulong.Parse(reader.GetString(1)), reader.GetGuid(2), reader.GetInt32(3), reader.GetInt64(4));
            xmax = ulong.Parse(reader.GetString(5));
            held = reader.GetBoolean(6);
        }

        await reader.NextResultAsync(cancellationToken);
        var events = new List<OutboxEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var agentId = reader.IsDBNull(12) ? Guid.Empty : reader.GetGuid(12);
            // Events carry the task's agent id: a name can be deleted and registered again by someone else, an id
            // cannot, so the live feed of an agent key is filtered by id.
            events.Add(new(ulong.Parse(reader.GetString(0)), new ExecutionEvent(
                reader.GetGuid(1), reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
                reader.IsDBNull(9) ? null : JsonDocument.Parse(reader.GetString(9)).RootElement.Clone(),
                reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11), agentId == Guid.Empty ? null : agentId)));
        }

        return new(cursor, xmax, held, events);
    }

    /// <summary>Records a published batch: the new cursor.</summary>
    public static async Task RecordBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxEvent last,
        StreamAppend appended, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO outbox_batches (end_xid, end_task_id, end_seq, stream_ms, stream_seq, stream_added, published_at)
            VALUES ($1::xid8, $2, $3, $4, $5, $6, $7)
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = last.Xid.ToString(), NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = last.Event.TaskId },
                new() { Value = last.Event.Seq },
                new() { Value = appended.LastId.Ms },
                new() { Value = appended.LastId.Seq },
                new() { Value = appended.EntriesAdded },
                new() { Value = now },
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Starts over: the next batch publishes every event still in the outbox again (the LoggingService drops the ones
    /// it has by id). For a stream Redis lost, and for a cursor ahead of the database's transaction ids (a restore).
    /// </summary>
    public static async Task RewindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long streamAdded, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("DELETE FROM outbox_batches"),
                new("""
                    INSERT INTO outbox_batches (end_xid, end_task_id, end_seq, stream_ms, stream_seq, stream_added, published_at)
                    VALUES ('0', '00000000-0000-0000-0000-000000000000', 0, 0, 0, $1, $2)
                    """) { Parameters = { new() { Value = streamAdded }, new() { Value = now } } },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the events of the newest batch the LoggingService has stored (entry id at most <paramref name="storedUpTo"/>)
    /// that was published before <paramref name="publishedBefore"/>, with every event before it, and the older batch rows.
    /// Any stored batch is a safe bound (every batch before it has lower events and lower entry ids), so "newest" is by
    /// published_at, found through its index without walking the retention period's batches. Returns how many events went.
    /// </summary>
    public static async Task<int> DeleteStoredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StreamEntryId storedUpTo,
        DateTimeOffset publishedBefore, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            WITH stored AS (
                SELECT id, end_xid, end_task_id, end_seq FROM outbox_batches
                WHERE published_at <= $3 AND (stream_ms, stream_seq) <= ($1, $2)
                ORDER BY published_at DESC LIMIT 1),
            events AS (
                DELETE FROM task_events e USING stored s
                WHERE (e.xid, e.task_id, e.seq) <= (s.end_xid, s.end_task_id, s.end_seq)
                RETURNING 1),
            batches AS (
                DELETE FROM outbox_batches b USING stored s WHERE b.id < s.id)
            SELECT count(*)::int FROM events
            """, connection, transaction)
        {
            Parameters = { new() { Value = storedUpTo.Ms }, new() { Value = storedUpTo.Seq }, new() { Value = publishedBefore } },
        };
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
