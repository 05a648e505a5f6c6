using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Xunit;

namespace AgentOrchestration.TestSupport;

/// <summary>
/// A real MCP server (the official C# SDK over Streamable HTTP) with one tool, <c>narrate</c>, that talks while it works:
/// for each of <c>count</c> lines it sends a log message (<c>notifications/message</c>, data
/// <c>{"message":"&lt;tag&gt; line i","i":i}</c>, levels cycling through <see cref="Levels"/>) and a progress notification,
/// <c>delayMs</c> apart, then returns <c>{"tag":…,"count":…}</c>. The tag lets a test tell concurrent calls apart.
/// </summary>
public sealed class NarratingMcpServer : IAsyncLifetime
{
    public const string Tool = "narrate";

    /// <summary>The MCP levels of lines 1, 2, 3, … in turn.</summary>
    public static readonly string[] Levels = ["info", "warning", "error", "notice"];

    private WebApplication? _app;

    public string Url { get; } = $"http://{ServerProcess.ToolHost}:{ServerProcess.FreeTcpPort()}/mcp";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Url[..^"/mcp".Length]);
        builder.Services.AddMcpServer()
            .WithHttpTransport()
            .WithListToolsHandler((_, _) => ValueTask.FromResult(new ListToolsResult
            {
                Tools =
                [
                    new Tool
                    {
                        Name = Tool,
                        Description = "Logs and reports progress while it works",
                        InputSchema = JsonDocument.Parse("""
                            {"type":"object","properties":{"tag":{"type":"string"},"count":{"type":"integer"},"delayMs":{"type":"integer"}},
                             "required":["tag","count"]}
                            """).RootElement,
                    },
                ],
            }))
            .WithCallToolHandler(NarrateAsync);
        _app = builder.Build();
        _app.MapMcp("/mcp");
        await _app.StartAsync();
    }

    private static async ValueTask<CallToolResult> NarrateAsync(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        var arguments = context.Params!.Arguments!;
        var tag = arguments["tag"].GetString()!;
        var count = arguments["count"].GetInt32();
        var delay = arguments.TryGetValue("delayMs", out var d) ? d.GetInt32() : 0;
        for (var i = 1; i <= count; i++)
        {
            if (delay > 0)
            {
                await Task.Delay(delay, cancellationToken);
            }

#pragma warning disable MCP9005 // the logging feature is what this server exists to exercise
            await context.Server.SendNotificationAsync(NotificationMethods.LoggingMessageNotification, new LoggingMessageNotificationParams
            {
                Level = Enum.Parse<LoggingLevel>(Levels[(i - 1) % Levels.Length], ignoreCase: true),
                Logger = "narrator",
                Data = JsonSerializer.SerializeToElement(new { message = $"{tag} line {i}", i }),
            }, cancellationToken: cancellationToken);
#pragma warning restore MCP9005
            if (context.Params.ProgressToken is { } token)
            {
                await context.Server.NotifyProgressAsync(token, new ProgressNotificationValue { Progress = i, Total = count }, cancellationToken: cancellationToken);
            }
        }

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = JsonSerializer.Serialize(new { tag, count }) }],
        };
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
