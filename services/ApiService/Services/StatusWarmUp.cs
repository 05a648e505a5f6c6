namespace AgentOrchestration.ApiService.Services;

/// <summary>
/// Runs the status probe once at start-up, so the first real GET /status does not pay for opening connections
/// and compiling the probe path, which on a busy two-core machine can exceed the probe deadline.
/// </summary>
public sealed class StatusWarmUp(StatusProbe probe, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).ContinueWith(_ => { }, TaskScheduler.Default);
        for (var i = 0; i < 3 && !stoppingToken.IsCancellationRequested; i++)
        {
            await probe.GetAsync(stoppingToken);
        }
    }
}
