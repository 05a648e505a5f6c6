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
        private static readonly TimeSpan MigrationPatience = TimeSpan.FromMinutes(5);

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // Postgres may still be finishing its start-up, recovering or restarting: retry for minutes, not attempts
            // (an attempt against a refused connection fails within a second), before giving up.
            var waited = System.Diagnostics.Stopwatch.StartNew();
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
                catch (Exception ex) when (waited.Elapsed < MigrationPatience && ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Migrating {Context} failed (attempt {Attempt}); retrying", typeof(TContext).Name, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
                }
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
