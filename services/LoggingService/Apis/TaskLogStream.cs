using AgentOrchestration.LoggingService.Events;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.LoggingService.Apis;

/// <summary>
/// GET /tasks/{id}/logs/stream: the task's history, then its live events, each with "id: seq", strictly in seq
/// order with no gap and no duplicate, ending after the terminal event. Last-Event-ID (or ?after=) resumes right
/// after that seq. Live events that arrive out of order wait until the gap is filled; the store is asked again
/// whenever a gap remains, so a missed notification never stalls the stream. Resuming after the terminal event is
/// 204 No Content. Whether the task exists is the gateway's answer (404), which owns the tasks.
/// </summary>
public static class TaskLogStream
{
    private const int PageSize = 1000;

    public static async Task StreamAsync(Guid taskId, int? after, HttpRequest request, HttpResponse response,
        EventStore store, EventBroadcaster broadcaster, IHostApplicationLifetime lifetime, CancellationToken requestAborted)
    {
        // End streams when the service stops, so a restart is not held up by open connections; clients resume.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stopping.Token;
        var last = int.TryParse(request.Headers["Last-Event-ID"], out var resumeAt) ? resumeAt : after ?? 0;
        // A client resuming after the terminal event (EventSource reconnects whenever a stream ends) is told with
        // 204 that there is nothing more, which makes a standard EventSource stop.
        if (last > 0 && await store.TerminalSeqAsync(taskId, cancellationToken) <= last)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        using var subscription = broadcaster.Subscribe(e => e.TaskId == taskId);
        var waiting = new SortedDictionary<int, ExecutionEvent>();
        try
        {
            await ServerSentEvents.BeginAsync(response, cancellationToken);
            if (await CatchUpAsync() is true)
            {
                return;
            }

            while (true)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                heartbeat.CancelAfter(ServerSentEvents.HeartbeatInterval);
                ExecutionEvent? next = null;
                try
                {
                    next = await subscription.Reader.ReadAsync(heartbeat.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await ServerSentEvents.HeartbeatAsync(response, cancellationToken);
                }

                if (next is not null && next.Seq > last)
                {
                    waiting[next.Seq] = next;
                }

                while (waiting.Remove(last + 1, out var ready))
                {
                    if (await EmitAsync(ready))
                    {
                        return;
                    }
                }

                if ((waiting.Count > 0 || next is null) && await CatchUpAsync() is true)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }

        // Reads stored events after the last one sent; true when the terminal event went out.
        async Task<bool> CatchUpAsync()
        {
            while (true)
            {
                var page = await store.QueryAsync(new EventQuery(taskId, last, null, null, PageSize), cancellationToken);
                foreach (var e in page)
                {
                    if (e.Seq != last + 1)
                    {
                        return false; // a gap in the store too: wait for it to be filled
                    }

                    waiting.Remove(e.Seq);
                    if (await EmitAsync(e))
                    {
                        return true;
                    }
                }

                if (page.Count < PageSize)
                {
                    return false;
                }
            }
        }

        async Task<bool> EmitAsync(ExecutionEvent e)
        {
            await ServerSentEvents.WriteAsync(response, e, e.Seq.ToString(), cancellationToken);
            last = e.Seq;
            return EventStore.IsTerminal(e);
        }
    }
}
