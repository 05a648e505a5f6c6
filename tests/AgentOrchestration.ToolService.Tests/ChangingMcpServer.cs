using System.Collections.Concurrent;
using System.Text.Json;
using AgentOrchestration.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>
/// A real MCP server (the official C# SDK over Streamable HTTP) whose tool list the test changes, announcing each
/// change with notifications/tools/list_changed to every connected session.
/// </summary>
public sealed class ChangingMcpServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<McpServer, byte> _sessions = new();
    private WebApplication? _app;

    public string BaseUrl { get; } = $"http://{ServerProcess.ToolHost}:{ServerProcess.FreeTcpPort()}";

    public string Url => BaseUrl + "/mcp";

    public List<string> ToolNames { get; } = ["alpha", "beta"];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BaseUrl);
        builder.Services.AddMcpServer()
            // Stateful sessions: only they can push notifications/tools/list_changed to a connected client.
            .WithHttpTransport(options => options.Stateless = false)
            .WithListToolsHandler((context, _) =>
            {
                // Remember every session that listed tools: those are the ones to tell about changes.
                _sessions.TryAdd(context.Server, 0);
                return ValueTask.FromResult(new ListToolsResult
            {
                Tools = ToolNames.Select(name => new Tool
                {
                    Name = name,
                    Description = $"The {name} tool",
                    InputSchema = JsonDocument.Parse("""{"type":"object","properties":{"x":{"type":"integer"}}}""").RootElement,
                }).ToList(),
            });
            })
            .WithCallToolHandler((context, _) => ValueTask.FromResult(new CallToolResult
            {
                Content = [new TextContentBlock { Text = $"{{\"tool\":\"{context.Params!.Name}\"}}" }],
            }));
        _app = builder.Build();
        _app.MapMcp("/mcp");
        await _app.StartAsync();
    }

    /// <summary>Replaces the tool list and tells every connected client.</summary>
    public async Task ChangeToolsAsync(params string[] names)
    {
        ToolNames.Clear();
        ToolNames.AddRange(names);
        foreach (var session in _sessions.Keys)
        {
            try
            {
                await session.SendNotificationAsync(NotificationMethods.ToolListChangedNotification);
            }
            catch (Exception)
            {
                _sessions.TryRemove(session, out _); // that client has gone
            }
        }
    }

    public int ConnectedSessions => _sessions.Count;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
