using System.Buffers;
using System.Text;
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
        Write(response, e, id);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Puts one event into the response's buffer without sending it (HttpResponse.WriteAsync would flush each piece):
    /// a caller with several waiting events writes them all, then flushes once.
    /// </summary>
    public static void Write(HttpResponse response, ExecutionEvent e, string id)
    {
        var writer = response.BodyWriter;
        Encoding.UTF8.GetBytes($"id: {id}\nevent: {e.Type}\ndata: ", writer);
        writer.Write(Json(e).AsSpan());
        writer.Write(EventEnd.AsSpan());
    }

    /// <summary>
    /// An event's JSON, serialised once however many live subscribers it goes to (the broadcaster hands every one of
    /// them the same instance); forgotten with the event.
    /// </summary>
    private static byte[] Json(ExecutionEvent e) =>
        SerializedEvents.GetValue(e, static e => JsonSerializer.SerializeToUtf8Bytes(e, JsonSerializerOptions.Web));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ExecutionEvent, byte[]> SerializedEvents = new();

    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    public static async Task HeartbeatAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await response.WriteAsync(": heartbeat\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
