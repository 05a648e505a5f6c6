namespace AgentOrchestration.ServiceCommon;

/// <summary>
/// Wakes a polling loop as soon as there is work, so it can poll rarely without adding latency. Any number of
/// <see cref="Set"/> calls before a wait count as one; a wait returns at once if set since the last one, else on the
/// next set or after its timeout (the loop's fallback poll, for work nobody signalled).
/// </summary>
public class WakeSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        // The check keeps the usual "already set" case free of SemaphoreFullException; the rare race is caught.
        if (_semaphore.CurrentCount == 0)
        {
            try
            {
                _semaphore.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>True when woken by <see cref="Set"/>, false after the timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    /// <summary>
    /// As <see cref="WaitAsync(TimeSpan, CancellationToken)"/>, the timeout measured on <paramref name="clock"/>, so a
    /// loop's fallback poll follows the injected clock (tests advance a fake one). The system clock takes the plain path.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (clock == TimeProvider.System)
        {
            return await _semaphore.WaitAsync(timeout, cancellationToken);
        }

        using var timer = new CancellationTokenSource(timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _semaphore.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
