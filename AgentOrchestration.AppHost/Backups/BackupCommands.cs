using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.Backups;

/// <summary>The dashboard's buttons on the local Postgres resource: back up now, and restore the newest backup.</summary>
internal static class BackupCommands
{
    public const string BackUpNow = "backup-now";
    public const string RestoreLatest = "restore-latest";

    public static IResourceBuilder<ExecutableResource> WithBackupCommands(this IResourceBuilder<ExecutableResource> postgres, int keep)
    {
        var whileRunning = new Func<UpdateCommandStateContext, ResourceCommandState>(context =>
            context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled);

        postgres.WithCommand(BackUpNow, "Back up now", async context =>
        {
            var result = await context.Services.GetRequiredService<LocalRestore>().BackUpAsync(keep, context.CancellationToken);
            return result.Succeeded ? CommandResults.Success(result.Message) : CommandResults.Failure(result.Message);
        }, new CommandOptions
        {
            Description = "Backs up every database (the Data Protection key ring included) into the data folder's backups/.",
            IconName = "Save",
            IsHighlighted = true,
            UpdateState = whileRunning,
        });

        postgres.WithCommand(RestoreLatest, "Restore latest backup", async context =>
        {
            var scripts = context.Services.GetRequiredService<BackupScripts>();
            if (scripts.LatestBackup() is not { } latest)
            {
                return CommandResults.Failure($"There is no backup in {scripts.BackupsRoot}.");
            }

            var result = await context.Services.GetRequiredService<LocalRestore>().RestoreAsync(latest, context.CancellationToken);
            return result.Succeeded ? CommandResults.Success(result.Message) : CommandResults.Failure(result.Message);
        }, new CommandOptions
        {
            Description = "Stops the services, restores the newest backup of backups/ and starts them again.",
            ConfirmationMessage = "Everything written since the newest backup is lost. Restore it?",
            IconName = "ArrowUndo",
            UpdateState = whileRunning,
        });

        return postgres;
    }
}
