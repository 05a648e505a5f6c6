using AgentOrchestration.LoggingService.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.LoggingService.Events;

/// <summary>Deletes events older than Logging:Retention (default 7 days), once an hour.</summary>
public sealed class RetentionJob(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<RetentionJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = configuration.GetValue("Logging:Retention", TimeSpan.FromDays(7));
        var every = configuration.GetValue("Logging:RetentionInterval", TimeSpan.FromHours(1));
        using var timer = new PeriodicTimer(every, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LogsDbContext>();
                var cutoff = clock.GetUtcNow() - retention;
                var deleted = await db.Events.Where(e => e.At < cutoff).ExecuteDeleteAsync(stoppingToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Deleted {Count} execution events older than {Cutoff}", deleted, cutoff);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Deleting old execution events failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
