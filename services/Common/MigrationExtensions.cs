using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentOrchestration.ServiceCommon;

public static class MigrationExtensions
{
    /// <summary>
    /// Applies the context's checked-in migrations before the service takes traffic: hosted services start
    /// before Kestrel listens, so no request ever meets an old schema. EF Core takes a database lock while
    /// migrating, so replicas starting together do not race.
    /// </summary>
    public static IServiceCollection AddMigration<TContext>(this IServiceCollection services)
        where TContext : DbContext =>
        services.AddHostedService<MigrationHostedService<TContext>>();

    private sealed class MigrationHostedService<TContext>(
        IServiceProvider services, ILogger<MigrationHostedService<TContext>> logger) : IHostedService
        where TContext : DbContext
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // Postgres may still be finishing its start-up (or restarting); retry for a while before giving up.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var scope = services.CreateAsyncScope();
                    var context = scope.ServiceProvider.GetRequiredService<TContext>();
                    await context.Database.MigrateAsync(cancellationToken);
                    logger.LogInformation("Database of {Context} is up to date", typeof(TContext).Name);
                    return;
                }
                catch (Exception ex) when (attempt < 30 && ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Migrating {Context} failed (attempt {Attempt}); retrying", typeof(TContext).Name, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
