using System.Collections.Concurrent;
using AgentOrchestration.ToolService.Invocation;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// One live MCP client session per tool source, shared by every call to its tools and kept open so the
/// server's notifications/tools/list_changed reaches us and triggers a resync.
/// </summary>
public sealed class McpClientPool(OutboundHttp outbound, ILoggerFactory loggerFactory, ILogger<McpClientPool> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<McpClient>>> _clients = new();

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

    /// <summary>Drops a session that failed, so the next call connects afresh.</summary>
    public async Task ResetAsync(string source)
    {
        if (_clients.TryRemove(source, out var lazy) && lazy.IsValueCreated)
        {
            try
            {
                await (await lazy.Value).DisposeAsync();
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Closing the MCP session of {Source} failed", source);
            }
        }
    }

    private async Task<McpClient> ConnectAsync(string source, string url)
    {
        try
        {
            var transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(url),
                TransportMode = HttpTransportMode.StreamableHttp,
                Name = source,
                ConnectionTimeout = TimeSpan.FromSeconds(10),
            }, outbound.Client, loggerFactory, ownsHttpClient: false);

            var options = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "agent-orchestration-tools", Version = "1.0.0" },
                Handlers = new McpClientHandlers
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
                },
            };

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            return await McpClient.CreateAsync(transport, options, loggerFactory, timeout.Token);
        }
        catch
        {
            _clients.TryRemove(source, out _);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _clients.Keys.ToList())
        {
            await ResetAsync(source);
        }
    }
}
