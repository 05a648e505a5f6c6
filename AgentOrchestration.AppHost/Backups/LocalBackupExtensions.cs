using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aspire.Hosting.Backups;

internal static class LocalBackupExtensions
{
    /// <summary>
    /// Backups of the local system: the dashboard's commands on Postgres, the requests of scripts/restore.sh, and the
    /// schedule. Run mode only: a deployment backs up its managed server instead (see README).
    /// </summary>
    public static void AddLocalBackups(this IDistributedApplicationBuilder builder, IResourceBuilder<ExecutableResource> postgres,
        string dataDir, string postgresBinDir, EndpointReference redisEndpoint, ParameterResource redisPassword)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return;
        }

        var options = BackupOptions.Parse(builder.Configuration["Backups:Schedule"], builder.Configuration["Backups:Keep"]);
        var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new BackupScripts(repoRoot, dataDir, postgresBinDir));
        builder.Services.AddSingleton(new LocalRedis(redisEndpoint, redisPassword));
        builder.Services.AddSingleton<LocalRestore>();
        builder.Services.AddHostedService<RestoreRequestWatcher>();
        builder.Services.AddHostedService<ScheduledBackups>();
        postgres.WithBackupCommands(options.Keep);
    }
}
