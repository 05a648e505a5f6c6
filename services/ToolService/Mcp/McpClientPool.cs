using System.Collections.Concurrent;
using AgentOrchestration.ToolService.Invocation;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// The MCP sessions of each tool source. One shared session per source is kept open so the server's
/// notifications/tools/list_changed reaches us (and triggers a resync); it also serves listings and calls nobody
/// listens to. Calls whose progress and log messages are wanted (task steps) lease a session of their own
/// (<see cref="McpCallSession"/>), returned to a small idle set afterwards so the handshake is not paid per call.
/// </summary>
public sealed class McpClientPool(OutboundHttp outbound, ILoggerFactory loggerFactory, ILogger<McpClientPool> logger) : IAsyncDisposable
{
    /// <summary>Idle leased sessions kept per source; more concurrent calls open more, closed when returned.</summary>
    public const int MaxIdleCallSessions = 8;

    // MCP logging is deprecated from spec 2026-07-28 (SEP-2577), but servers on earlier versions still send log messages,
    // and a step's log is where an operator looks first. Drop this with the SDK's removal of the feature.
#pragma warning disable MCP9005
    /// <summary>
    /// The least severe log message a leased session asks servers for: info and above become step events; debug
    /// chatter would cost an event (a durable write) per line.
    /// </summary>
    public const LoggingLevel CallLogLevel = LoggingLevel.Info;
#pragma warning restore MCP9005

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, Lazy<Task<McpClient>>> _clients = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<McpCallSession>> _idle = new();
    private readonly ConcurrentDictionary<string, int> _generations = new();

    /// <summary>Raised (on a background thread) when a source says its tool list changed.</summary>
    public event Func<string, Task>? ToolListChanged;

    public Task<McpClient> GetAsync(string source, string url, CancellationToken cancellationToken)
    {
        var lazy = _clients.GetOrAdd(source, _ => new Lazy<Task<McpClient>>(() => ConnectAsync(source, url)));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    /// <summary>True when a session to the source is open.</summary>
    public bool IsConnected(string source) =>
        _clients.TryGetValue(source, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully;

    /// <summary>A session for one call: idle if one is, else newly opened (asking for the source's log messages).</summary>
    public async Task<McpCallSession> LeaseAsync(string source, string url, CancellationToken cancellationToken)
    {
        if (_idle.GetOrAdd(source, _ => new()).TryDequeue(out var idle))
        {
            return idle;
        }

        var session = new McpCallSession(source, _generations.GetValueOrDefault(source));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        session.Client = await CreateClientAsync(source, url, session.Observe, handlers: null, timeout.Token);
        try
        {
#pragma warning disable MCP9005 // see CallLogLevel
            if (session.Client.ServerCapabilities.Logging is not null)
            {
                await session.Client.SetLoggingLevelAsync(CallLogLevel, cancellationToken: timeout.Token);
            }
#pragma warning restore MCP9005
        }
        catch
        {
            await CloseAsync(session, source);
            throw;
        }

        return session;
    }

    /// <summary>
    /// Takes a leased session back: kept for the next call if the call ended cleanly and the source has not been
    /// reset since; closed otherwise (a cancelled call's server may still be talking about it).
    /// </summary>
    public async Task ReturnAsync(McpCallSession session, bool reusable)
    {
        session.Detach();
        if (reusable && session.Generation == _generations.GetValueOrDefault(session.Source)
            && _idle.TryGetValue(session.Source, out var idle) && idle.Count < MaxIdleCallSessions)
        {
            idle.Enqueue(session);
            return;
        }

        await CloseAsync(session, session.Source);
    }

    /// <summary>Drops the source's sessions (one failed, or the source changed), so the next call connects afresh.</summary>
    public async Task ResetAsync(string source)
    {
        _generations.AddOrUpdate(source, 1, (_, generation) => generation + 1);
        if (_idle.TryGetValue(source, out var idle))
        {
            while (idle.TryDequeue(out var session))
            {
                await CloseAsync(session, source);
            }
        }

        if (_clients.TryRemove(source, out var lazy) && lazy.IsValueCreated)
        {
            try
            {
                await CloseAsync(await lazy.Value, source);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "The MCP session of {Source} had failed to open", source);
            }
        }
    }

    private async Task CloseAsync(IAsyncDisposable session, string source)
    {
        try
        {
            await session.DisposeAsync();
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Closing an MCP session of {Source} failed", source);
        }
    }

    private async Task<McpClient> ConnectAsync(string source, string url)
    {
        try
        {
            var handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(NotificationMethods.ToolListChangedNotification, (_, _) =>
                    {
                        // Resync off the notification thread; the handler must return quickly.
                        _ = Task.Run(() => ToolListChanged?.Invoke(source) ?? Task.CompletedTask);
                        return ValueTask.CompletedTask;
                    }),
                ],
            };

            using var timeout = new CancellationTokenSource(ConnectTimeout);
            return await CreateClientAsync(source, url, observe: null, handlers, timeout.Token);
        }
        catch
        {
            _clients.TryRemove(source, out _);
            throw;
        }
    }

    private Task<McpClient> CreateClientAsync(string source, string url, Action<JsonRpcMessage>? observe, McpClientHandlers? handlers,
        CancellationToken cancellationToken)
    {
        IClientTransport transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(url),
            TransportMode = HttpTransportMode.StreamableHttp,
            Name = source,
            ConnectionTimeout = TimeSpan.FromSeconds(10),
        }, outbound.Client, loggerFactory, ownsHttpClient: false);
        if (observe is not null)
        {
            transport = new ObservedTransport(transport, observe);
        }

        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "agent-orchestration-tools", Version = "1.0.0" },
            Handlers = handlers ?? new McpClientHandlers(),
        };
        return McpClient.CreateAsync(transport, options, loggerFactory, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _clients.Keys.Concat(_idle.Keys).Distinct().ToList())
        {
            await ResetAsync(source);
        }
    }
}