using AgentOrchestration.TaskService.Tasks.Execution;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>A wait for a task's end is removed however it ends, so a client that goes away leaves nothing behind.</summary>
public sealed class TaskSignalsTests
{
    [Fact]
    public async Task AWaitAbandonedByItsClientIsRemoved()
    {
        var signals = new TaskSignals();
        var id = Guid.NewGuid();
        using var disconnected = new CancellationTokenSource();

        async Task WaitLikeARequest()
        {
            using var waiter = signals.WaitForFinish(id);
            await waiter.Finished.WaitAsync(disconnected.Token);
        }

        var request = WaitLikeARequest();
        Assert.Equal(1, signals.WaitingCount);
        await disconnected.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        Assert.Equal(0, signals.WaitingCount);
    }

    [Fact]
    public async Task TwoWaitsForOneTaskBothHearItsEnd()
    {
        var signals = new TaskSignals();
        var id = Guid.NewGuid();
        using var first = signals.WaitForFinish(id);
        using (var gone = signals.WaitForFinish(id))
        {
            // One of them gives up first: the other must still be told.
        }

        signals.Finished(id);

        await first.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, signals.WaitingCount);
    }

    [Fact]
    public void AWaitRegisteredAfterTheEndIsItsOwnAndIsRemovedToo()
    {
        var signals = new TaskSignals();
        var id = Guid.NewGuid();
        var early = signals.WaitForFinish(id);
        signals.Finished(id);
        var late = signals.WaitForFinish(id);

        early.Dispose(); // must not remove the late one's entry
        Assert.Equal(1, signals.WaitingCount);
        late.Dispose();
        Assert.Equal(0, signals.WaitingCount);
    }
}
