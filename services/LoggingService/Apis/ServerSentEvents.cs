using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.LoggingService.Apis;

/// <summary>Writing text/event-stream by hand: the framework's SSE result has no comment lines for heartbeats.</summary>
public static class ServerSentEvents
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Sends the headers and a first comment at once, so the client (through the gateway too: YARP, like most
    /// proxies, passes headers on with the first body bytes) sees the stream open before any event or heartbeat.
    /// </summary>
    public static async Task BeginAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx must pass each event on at once.
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync(": connected\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <param name="id">The SSE id: the event's seq for a task stream, so Last-Event-ID resumes exactly after it.</param>
    public static async Task WriteAsync(HttpResponse response, ExecutionEvent e, string id, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(e, JsonSerializerOptions.Web);
        await response.WriteAsync($"id: {id}\nevent: {e.Type}\ndata: {json}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public static async Task HeartbeatAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await response.WriteAsync(": heartbeat\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
