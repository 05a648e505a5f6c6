using AgentOrchestration.LoggingService.Events;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.LoggingService.Apis;

/// <summary>
/// GET /logs/stream?agent=&amp;agentId=&amp;level=: every task's events as they are stored, for the dashboard's live view.
/// <c>agent</c> filters by name; <c>agentId</c> by id (what the gateway sets for an agent key).
/// </summary>
public static class LiveFeed
{
    private const int MaxEventsPerFlush = 256;

    public static async Task<IResult> StreamAsync(string? agent, Guid? agentId, string? level, HttpResponse response, EventBroadcaster broadcaster,
        IHostApplicationLifetime lifetime, CancellationToken requestAborted)
    {
        // End the stream when the service stops, so a restart is not held up by open connections.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stopping.Token;
        if (level is not null && !EventStore.Levels.Contains(level))
        {
            return ServiceCommon.Problems.Validation(new Dictionary<string, string[]>
            {
                ["/query/level"] = [$"level must be one of {string.Join(", ", EventStore.Levels)}."],
            });
        }

        var agentName = agent?.ToLowerInvariant();
        var minimum = level is null ? 0 : EventStore.Severity(level);
        using var subscription = broadcaster.Subscribe(e =>
            (agentName is null || e.Agent == agentName) && (agentId is null || e.AgentId == agentId)
            && EventStore.Severity(e.Level) >= minimum);
        try
        {
            await ServerSentEvents.BeginAsync(response, cancellationToken);
            var reader = subscription.Reader;
            // One timer for the whole stream: each wait moves its due time; only a heartbeat that fired needs a new one.
            var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                while (true)
                {
                    heartbeat.CancelAfter(ServerSentEvents.HeartbeatInterval);
                    try
                    {
                        if (!await reader.WaitToReadAsync(heartbeat.Token))
                        {
                            return Results.Empty; // the subscription was closed
                        }
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        await ServerSentEvents.HeartbeatAsync(response, cancellationToken);
                        heartbeat.Dispose();
                        heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        continue;
                    }

                    // What is waiting goes out in one flush (up to a bound, so a steady producer cannot hold events
                    // back or grow the buffer): under load a subscriber gets bursts, not one write each.
                    for (var written = 0; written < MaxEventsPerFlush && reader.TryRead(out var e); written++)
                    {
                        ServerSentEvents.Write(response, e, $"{e.TaskId}:{e.Seq}");
                    }

                    await response.BodyWriter.FlushAsync(cancellationToken);
                }
            }
            finally
            {
                heartbeat.Dispose();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away. The response is already written: an empty result, since minimal APIs refuse a
            // null one (that threw "The IResult returned by the Delegate must not be null" on every disconnect).
            return Results.Empty;
        }
    }
}
