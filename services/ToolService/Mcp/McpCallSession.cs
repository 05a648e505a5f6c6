using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// An MCP session that serves one call at a time, leased from <see cref="McpClientPool"/>. MCP log messages
/// (<c>notifications/message</c>) carry no request id, so the only sound way to know which call one belongs to is to
/// let nothing else use the session while the call runs: whatever the server says on it meanwhile is about that call.
/// </summary>
public sealed class McpCallSession(string source, int generation) : IAsyncDisposable
{
    private volatile Action<InvocationLine>? _listener;

    public string Source { get; } = source;

    /// <summary>The pool's generation of the source when this session opened; an older one is not reused.</summary>
    internal int Generation { get; } = generation;

    public McpClient Client { get; internal set; } = null!;

    internal void Attach(Action<InvocationLine> listener) => _listener = listener;

    internal void Detach() => _listener = null;

    /// <summary>
    /// Turns the server's progress and log notifications into lines of the current call, in the order they arrived
    /// (see <see cref="ObservedTransport"/>). Between calls there is no listener and they are dropped.
    /// </summary>
    internal void Observe(JsonRpcMessage message)
    {
        if (_listener is not { } listener || message is not JsonRpcNotification { Params: { } parameters } notification)
        {
            return;
        }

        try
        {
#pragma warning disable MCP9005 // deprecated from spec 2026-07-28, still sent by earlier servers (see McpClientPool.CallLogLevel)
            switch (notification.Method)
            {
                case NotificationMethods.ProgressNotification
                    when parameters.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions) is { } progress:
                    listener(new InvocationLine(new ToolProgress(progress.Progress.Progress, progress.Progress.Total,
                        progress.Progress.Message is { } text ? StorableJson.Clean(text) : null), null));
                    break;
                case NotificationMethods.LoggingMessageNotification
                    when parameters.Deserialize<LoggingMessageNotificationParams>(McpJsonUtilities.DefaultOptions) is { } log:
                    var data = log.Data.ValueKind == JsonValueKind.Undefined ? (JsonElement?)null : Storable(log.Data);
                    listener(new InvocationLine(null, null, new ToolLog(log.Level.ToString().ToLowerInvariant(),
                        log.Logger is { } name ? StorableJson.Clean(name) : null, data)));
                    break;
            }
#pragma warning restore MCP9005
        }
        catch (JsonException)
        {
            // A malformed notification is the server's fault and says nothing about the call's outcome: skip it.
        }
    }

    /// <summary>
    /// Log data becomes a step event, which Postgres must hold: data it cannot is passed on as its JSON text, where
    /// every offending character is an escape sequence.
    /// </summary>
    private static JsonElement Storable(JsonElement data) =>
        StorableJson.FindUnstorable(data) is null ? data : JsonSerializer.SerializeToElement(data.GetRawText());

    public ValueTask DisposeAsync() => Client?.DisposeAsync() ?? ValueTask.CompletedTask;
}
