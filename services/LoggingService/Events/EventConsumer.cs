using System.Diagnostics;
using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using StackExchange.Redis;

namespace AgentOrchestration.LoggingService.Events;

/// <summary>
/// Reads the execution-event stream as a member of a consumer group: stores each batch in Postgres, acknowledges
/// it only then, and hands the new events to live subscribers. Entries left unacknowledged by a crash are read
/// again on start-up (and claimed from consumers that went quiet), so nothing published is lost.
/// </summary>
public sealed class EventConsumer(
    IConnectionMultiplexer redis, IServiceScopeFactory scopes, EventBroadcaster broadcaster, EventTelemetry telemetry,
    IConfiguration configuration, TimeProvider clock, ILogger<EventConsumer> logger) : BackgroundService
{
    private const int BatchSize = 200;

    /// <summary>The fallback poll: the relay's "appended" notice normally wakes the consumer at once.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);
    private readonly string _consumer = configuration["Logging:ConsumerName"] ?? Environment.MachineName;
    private readonly WakeSignal _appended = new();
    private bool _subscribed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pendingFirst = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                if (pendingFirst)
                {
                    await EnsureGroupAsync();
                    await SubscribeAsync();
                }

                // "0" re-reads what this consumer was given but never acknowledged; ">" reads new entries.
                var read = await ConsumeAsync(pendingFirst ? "0" : StreamPosition.NewMessages, stoppingToken);
                if (pendingFirst && read == 0)
                {
                    pendingFirst = false;
                    await ClaimAbandonedAsync(stoppingToken);
                }

                pause = read == BatchSize ? TimeSpan.Zero : Idle;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Redis or Postgres is away: the entries stay in the stream (unacknowledged) until they return.
                logger.LogWarning(ex, "Consuming execution events failed; retrying");
                pendingFirst = true;
                pause = AfterFailure;
            }

            try
            {
                if (pause == Idle)
                {
                    await _appended.WaitAsync(Idle, stoppingToken);
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

    private async Task EnsureGroupAsync()
    {
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(
                ExecutionEventStream.Name, ExecutionEventStream.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already.
        }
    }

    /// <summary>Once; the client renews the subscription by itself after a reconnect.</summary>
    private async Task SubscribeAsync()
    {
        _subscribed = _subscribed || await redis.ListenAsync(ExecutionEventStream.AppendedChannel, _ => _appended.Set(), logger,
            $"new events are read every {Idle.TotalMilliseconds} ms");
    }

    private async Task<int> ConsumeAsync(RedisValue position, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var entries = await db.StreamReadGroupAsync(ExecutionEventStream.Name, ExecutionEventStream.ConsumerGroup, _consumer, position, BatchSize);
        if (entries.Length == 0)
        {
            return 0;
        }

        await HandleAsync(db, entries, cancellationToken);
        return entries.Length;
    }

    private async Task ClaimAbandonedAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var claimed = await db.StreamAutoClaimAsync(ExecutionEventStream.Name, ExecutionEventStream.ConsumerGroup, _consumer,
            minIdleTimeInMs: 30_000, startAtId: "0-0", count: BatchSize);
        if (claimed.ClaimedEntries.Length > 0)
        {
            await HandleAsync(db, claimed.ClaimedEntries, cancellationToken);
        }
    }

    private async Task HandleAsync(IDatabase db, StreamEntry[] entries, CancellationToken cancellationToken)
    {
        var events = new List<ExecutionEvent>(entries.Length);
        foreach (var entry in entries)
        {
            var json = entry[ExecutionEventStream.Field];
            var e = json.HasValue ? JsonSerializer.Deserialize<ExecutionEvent>(json.ToString(), JsonSerializerOptions.Web) : null;
            if (e is null)
            {
                logger.LogWarning("Dropping malformed stream entry {EntryId}", entry.Id);
                continue;
            }

            events.Add(e);
        }

        List<ExecutionEvent> stored;
        await using (var scope = scopes.CreateAsyncScope())
        {
            stored = await scope.ServiceProvider.GetRequiredService<EventStore>().StoreAsync(events, cancellationToken);
        }

        // Live subscribers get the events as soon as they are stored, before the two Redis round trips below: a
        // crash in between redelivers them, and the store drops the duplicates, so nobody sees an event twice.
        broadcaster.Publish(stored);

        var ids = entries.Select(e => e.Id).ToArray();
        await db.StreamAcknowledgeAsync(ExecutionEventStream.Name, ExecutionEventStream.ConsumerGroup, ids);
        // Acknowledged entries are in Postgres now; deleting them keeps the stream from growing without bound.
        await db.StreamDeleteAsync(ExecutionEventStream.Name, ids);

        foreach (var e in stored)
        {
            telemetry.Record(e);
        }
    }
}
