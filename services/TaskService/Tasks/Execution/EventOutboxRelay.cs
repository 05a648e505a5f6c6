using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Set after a transaction that wrote execution events commits, so the relay publishes them at once.</summary>
public sealed class OutboxSignal : WakeSignal;

/// <summary>
/// Publishes the outbox of execution events to the Redis stream the LoggingService consumes, in seq order per task,
/// and marks them published in the same transaction that locked them (one relay runs at a time across replicas). If Redis is down the events simply wait in
/// Postgres; a crash between XADD and the mark publishes them again, which the consumer drops by id.
/// </summary>
public sealed class EventOutboxRelay(
    IServiceScopeFactory scopes, IConnectionMultiplexer redis, OutboxSignal written, TimeProvider clock, ILogger<EventOutboxRelay> logger)
    : BackgroundService
{
    public const int BatchSize = 500;
    private const int LockBusy = -1;
    private const long RelayLockKey = 0x5245_4C41_5900; // "RELAY"

    /// <summary>
    /// The fallback poll: this replica's own writes wake it at once (<see cref="OutboxSignal"/>); the poll catches events
    /// whose writer's relay found the lock held by this one, and leftovers after a crash.
    /// </summary>
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(100);

    /// <summary>Another replica is relaying right now: try again soon, as the events that woke us may not be in its batch.</summary>
    private static readonly TimeSpan AfterLockBusy = TimeSpan.FromMilliseconds(5);

    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                pause = await RelayBatchAsync(stoppingToken) switch
                {
                    BatchSize => TimeSpan.Zero,
                    LockBusy => AfterLockBusy,
                    _ => Idle,
                };
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
                if (pause == Idle)
                {
                    await written.WaitAsync(Idle, stoppingToken);
                }
                else if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // One relay at a time across replicas: two relaying side by side could publish a task's seq 5 before its
        // seq 4. The lock is released with the transaction.
        var mine = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({RelayLockKey}) AS \"Value\"")
            .SingleAsync(cancellationToken);
        if (!mine)
        {
            return LockBusy;
        }

        var batch = await db.Events
            .FromSql($"""
                SELECT * FROM task_events WHERE published_at IS NULL
                ORDER BY task_id, seq LIMIT {BatchSize} FOR UPDATE
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        // Events carry the task's agent id: a name can be deleted and registered again by someone else, an id cannot,
        // so the live feed of an agent key is filtered by id.
        var taskIds = batch.Select(e => e.TaskId).Distinct().ToList();
        var agentIds = await db.Tasks.Where(t => taskIds.Contains(t.Id)).Select(t => new { t.Id, t.AgentId })
            .ToDictionaryAsync(t => t.Id, t => t.AgentId, cancellationToken);
        var stream = redis.GetDatabase();
        var adds = batch.Select(e => stream.StreamAddAsync(ExecutionEventStream.Name, ExecutionEventStream.Field,
            JsonSerializer.Serialize(ToContract(e, agentIds.GetValueOrDefault(e.TaskId)), JsonSerializerOptions.Web))).ToList();
        await Task.WhenAll(adds);

        var ids = batch.Select(e => e.Id).ToList();
        var now = clock.GetUtcNow();
        await db.Events.Where(e => ids.Contains(e.Id)).ExecuteUpdateAsync(s => s.SetProperty(e => e.PublishedAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // Wake the LoggingService's consumer; if this notice is lost, its own poll finds the entries a little later.
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(ExecutionEventStream.AppendedChannel), RedisValue.EmptyString, CommandFlags.FireAndForget);
        return batch.Count;
    }

    private static ExecutionEvent ToContract(ExecutionEventRecord e, Guid agentId) => new(
        e.Id, e.TaskId, e.StepId, e.Seq, e.At, e.Level, e.Type, e.Message, e.Data?.RootElement.Clone(), e.AgentName, e.TraceId,
        agentId == Guid.Empty ? null : agentId);
}
