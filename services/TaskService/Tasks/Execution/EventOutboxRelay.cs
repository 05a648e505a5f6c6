using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.TaskService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Set after a transaction that wrote execution events commits, so the relay publishes them at once.</summary>
public sealed class OutboxSignal : WakeSignal;

/// <summary>What one relay round did.</summary>
public sealed record RelayRound(int Published, bool HeldBack, bool Rewound, int Deleted);

/// <summary>
/// Publishes the outbox of execution events to the Redis stream the LoggingService consumes, and deletes them once the
/// LoggingService has stored them.
/// <para>
/// Order and completeness come from transaction ids, not from marking rows. Each event row carries its writer's
/// transaction id (xid8); the relay publishes in (xid, task, seq) order, only events whose xid is below a horizon
/// taken from its snapshot (the lowest id still running in tasksdb, see OutboxStore: every transaction with a lower id
/// has committed or rolled back), and remembers the last one it published as its cursor. So a transaction that got a lower id but
/// commits after a higher one is held back until it ends, and is never skipped. Per-task order follows because a
/// task's next write is fenced on the <c>last_seq</c> its previous write committed (TaskJournal): it starts, and gets
/// its xid, only after that commit, so a task's xids rise with its seqs, on any replica and across a takeover.
/// </para>
/// <para>
/// Why this rather than the alternatives, measured against them: an id sequence with a per-row UPDATE of published_at
/// (before) cost a non-HOT update per event and skipped nothing only because it locked every row; a cursor over a
/// bigserial alone loses the late-committing lower id; logical decoding gives commit order but needs wal_level=logical
/// and a replication slot to manage; plain <c>pg_snapshot_xmin</c> is cluster-wide, so every event also waited for the
/// LoggingService's and the other services' transactions on the same Postgres. The price here: an event waits while
/// an older write transaction of tasksdb is open, usually a millisecond or two; the relay then retries after 1, 2, 4… ms (at most
/// <see cref="HeldBackMax"/>), and a long transaction elsewhere delays events, never loses them.
/// </para>
/// <para>
/// One relay publishes at a time across replicas (a transaction-scoped advisory lock; the other replica waits in
/// Postgres, it does not poll), the batch goes to Redis in one atomic script, and the cursor moves in the same
/// transaction. A crash between the script and the commit publishes the batch again, which the LoggingService drops by
/// event id. Rows are deleted only up to the newest batch whose stream entries the LoggingService's consumer group has
/// acknowledged (it acknowledges after storing), so a stream Redis loses first is published again from Postgres.
/// </para>
/// </summary>
public sealed class EventOutboxRelay(
    IServiceScopeFactory scopes, IConnectionMultiplexer redis, OutboxSignal written, TaskOptions options, TimeProvider clock,
    ILogger<EventOutboxRelay> logger) : BackgroundService
{
    public const int BatchSize = 500;

    /// <summary>
    /// The fallback poll: this replica's writes wake it at once (<see cref="OutboxSignal"/>); the poll catches the other
    /// replica's events if its relay is gone, and leftovers after a crash.
    /// </summary>
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan HeldBackFirst = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan HeldBackMax = TimeSpan.FromMilliseconds(64);
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);

    private DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var heldBack = HeldBackFirst;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                var round = await RelayOnceAsync(stoppingToken);
                if (round.Published == BatchSize || round.Rewound)
                {
                    pause = TimeSpan.Zero;
                }
                else if (round.HeldBack)
                {
                    pause = heldBack;
                    heldBack = heldBack * 2 > HeldBackMax ? HeldBackMax : heldBack * 2;
                }
                else
                {
                    pause = Idle;
                }

                if (!round.HeldBack)
                {
                    heldBack = HeldBackFirst;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Publishing execution events failed; they stay in the outbox and are retried");
                pause = AfterFailure;
            }

            try
            {
                if (pause > TimeSpan.Zero)
                {
                    await written.WaitAsync(pause, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: publishes the next batch the horizon allows and, when due, deletes what the LoggingService stored.</summary>
    public async Task<RelayRound> RelayOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var window = await OutboxStore.LockAndReadAsync(connection, transaction, BatchSize, cancellationToken);
        var now = clock.GetUtcNow();
        var stream = redis.GetDatabase();
        if (window.Cursor is not { } cursor || window.SnapshotXmax < cursor.Xid)
        {
            // No cursor (the seed row was removed by hand), or one ahead of every transaction id the database will
            // hand out (restored from a dump into a new cluster): start over rather than skip events.
                logger.LogWarning("The outbox cursor is missing or ahead of the database's transaction ids; publishing the outbox again");
            await OutboxStore.RewindAsync(connection, transaction, OutboxStore.StreamAddedUnknown, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new(0, false, true, 0);
        }

        var expectedAdded = cursor.StreamAdded;
        if (window.Events.Count > 0)
        {
            var payloads = window.Events.Select(e => JsonSerializer.Serialize(e.Event, JsonSerializerOptions.Web)).ToList();
            var appended = await ExecutionEventStreamScripts.AppendAsync(stream, expectedAdded, payloads);
            // The batch is in the stream now: a stop from here on must still record it, or the next relay publishes it
            // again (only a crash may do that). The rest of the round is a few milliseconds.
            cancellationToken = CancellationToken.None;
            if (appended.Lost)
            {
                return await RewindAsync(transaction, connection, appended.EntriesAdded, now, cancellationToken);
            }

            await OutboxStore.RecordBatchAsync(connection, transaction, window.Events[^1], appended, now, cancellationToken);
            expectedAdded = appended.EntriesAdded;
        }

        var deleted = 0;
        if (now - _lastCleanup >= options.OutboxCleanupInterval)
        {
            _lastCleanup = now;
            var consumed = await ExecutionEventStreamScripts.ConsumedAsync(stream);
            if (consumed.EntriesAdded < expectedAdded)
            {
                return await RewindAsync(transaction, connection, consumed.EntriesAdded, now, cancellationToken);
            }

            if (consumed.StoredUpTo is { } stored)
            {
                deleted = await OutboxStore.DeleteStoredAsync(connection, transaction, stored, now - options.OutboxRetention, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        if (window.Events.Count > 0)
        {
            // Wake the LoggingService's consumer; if this notice is lost, its own poll finds the entries a little later.
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(ExecutionEventStream.AppendedChannel), RedisValue.EmptyString, CommandFlags.FireAndForget);
        }

        return new(window.Events.Count, window.HeldBack && window.Events.Count < BatchSize, false, deleted);
    }

    private async Task<RelayRound> RewindAsync(NpgsqlTransaction transaction, NpgsqlConnection connection, long streamAdded, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        logger.LogWarning("Redis lost the execution-event stream; publishing the outbox again (the LoggingService drops what it has)");
        await OutboxStore.RewindAsync(connection, transaction, streamAdded, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(0, false, true, 0);
    }
}
