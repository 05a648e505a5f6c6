using AgentOrchestration.AppHost;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Backups;

/// <summary>
/// Restores a backup into the running local system: checks it first (nothing is stopped for a backup that would be
/// refused), stops the services so none holds a connection, a cache or a lease from before, has restore.sh swap the
/// databases, empties Redis, and starts the services again, waiting until each is healthy. One backup or restore at a time.
/// </summary>
internal sealed class LocalRestore(
    BackupScripts scripts,
    LocalRedis redis,
    DistributedApplicationModel model,
    ResourceCommandService commands,
    ResourceNotificationService notifications,
    ILogger<LocalRestore> logger)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromMinutes(3);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<ScriptResult> BackUpAsync(int? keep, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            return await scripts.BackUpAsync(keep, cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public async Task<ScriptResult> RestoreAsync(string backup, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var check = await scripts.CheckRestoreAsync(backup, cancellationToken);
            if (!check.Succeeded)
            {
                return check;
            }

            var services = ResourceNames.Services.Select(name => model.Resources.Single(r => r.Name == name)).ToList();
            logger.LogWarning("Restoring {Backup}: stopping {Services}", backup, string.Join(", ", services.Select(s => s.Name)));
            // The gateway first, so that it takes no task while what it needs is going down.
            foreach (var service in Enumerable.Reverse(StartWaves(services).SelectMany(wave => wave).ToList()))
            {
                await SetStateAsync(service, KnownResourceCommands.StopCommand, cancellationToken);
            }

            ScriptResult applied;
            try
            {
                applied = await scripts.ApplyRestoreAsync(backup, cancellationToken);
                if (applied.Succeeded)
                {
                    await redis.FlushAsync(cancellationToken);
                }
            }
            finally
            {
                // Whether or not it worked, the services come back: on a failure the databases are the ones from before.
                // In waves, in the order their WaitFors ask (the gateway last); a wave is healthy before the next starts.
                foreach (var wave in StartWaves(services))
                {
                    await Task.WhenAll(wave.Select(async service =>
                    {
                        await SetStateAsync(service, KnownResourceCommands.StartCommand, cancellationToken);
                        await WaitForEveryInstanceAsync(service, e => e.Snapshot.State?.Text == KnownResourceStates.Running
                            && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, cancellationToken);
                    }));
                }
            }

            logger.LogWarning("Restore of {Backup} finished: {Message}", backup, applied.Message);
            return applied.Succeeded
                ? applied with { Output = $"Restored {backup}; every service is healthy again." }
                : applied;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task SetStateAsync(IResource service, string command, CancellationToken cancellationToken)
    {
        var result = await commands.ExecuteCommandAsync(service, command, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} of {service.Name} failed: {result.Message}");
        }

        if (command == KnownResourceCommands.StopCommand)
        {
            await WaitForEveryInstanceAsync(service,
                e => e.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state), cancellationToken);
        }
    }

    /// <summary>The services that wait for none of the rest first, then those that wait only for the first wave, and so on.</summary>
    private static List<List<IResource>> StartWaves(List<IResource> services)
    {
        var waves = new List<List<IResource>>();
        var started = new List<IResource>();
        while (started.Count < services.Count)
        {
            var wave = services.Except(started).Where(service => service.Annotations.OfType<WaitAnnotation>()
                .All(wait => !services.Contains(wait.Resource) || started.Contains(wait.Resource))).ToList();
            if (wave.Count == 0)
            {
                throw new InvalidOperationException("The services wait for each other in a circle.");
            }

            waves.Add(wave);
            started.AddRange(wave);
        }

        return waves;
    }

    /// <summary>Until the latest event of each instance (both ApiService replicas, say) satisfies the condition, bounded.</summary>
    private async Task WaitForEveryInstanceAsync(IResource service, Func<ResourceEvent, bool> condition, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StateTimeout);
        var instances = service.GetReplicaCount();
        var latest = new Dictionary<string, bool>();
        try
        {
            // The watch starts with every resource's current state, then follows the changes.
            await foreach (var e in notifications.WatchAsync(deadline.Token))
            {
                if (e.Resource == service)
                {
                    latest[e.ResourceId] = condition(e);
                    if (latest.Count(i => i.Value) >= instances)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{service.Name} did not get there within {StateTimeout.TotalMinutes} minutes.");
        }
    }
}
