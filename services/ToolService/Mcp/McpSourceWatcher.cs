using AgentOrchestration.ToolService.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// At start-up, opens a session to every registered source and resyncs it (its tools may have changed while we
/// were down); afterwards, resyncs a source whenever it sends notifications/tools/list_changed.
/// </summary>
public sealed class McpSourceWatcher(
    McpClientPool pool, McpSourceSynchronizer synchronizer, IServiceScopeFactory scopes, ILogger<McpSourceWatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        pool.ToolListChanged += source => ResyncAsync(source, stoppingToken);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ToolsDbContext>();
        List<string> sources;
        try
        {
            sources = await db.ToolSources.Select(s => s.Name).ToListAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not read the MCP tool sources at start-up");
            return;
        }

        foreach (var source in sources)
        {
            await ResyncAsync(source, stoppingToken);
        }
    }

    private async Task ResyncAsync(string source, CancellationToken cancellationToken)
    {
        try
        {
            await synchronizer.SyncAsync(source, cancellationToken);
        }
        catch (Exception ex) when (ex is McpSourceUnreachableException or KeyNotFoundException)
        {
            logger.LogWarning(ex, "Resync of MCP source {Source} failed", source);
        }
    }
}
