using System.Collections.Concurrent;

namespace AgentOrchestration.ApiService.Tasks.Execution;

/// <summary>
/// In-process notice boards: who is waiting for which task to finish, and how to cancel a task this replica runs.
/// A task finishing on another replica is found by the waiters' database poll instead.
/// </summary>
public sealed class TaskSignals
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _finished = new();
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public Task WhenFinished(Guid taskId) =>
        _finished.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Finished(Guid taskId)
    {
        if (_finished.TryRemove(taskId, out var done))
        {
            done.TrySetResult();
        }
    }

    public void Forget(Guid taskId) => _finished.TryRemove(taskId, out _);

    public void Running(Guid taskId, CancellationTokenSource cancel) => _running[taskId] = cancel;

    public void NotRunning(Guid taskId) => _running.TryRemove(taskId, out _);

    public int RunningCount => _running.Count;

    public bool IsRunningHere(Guid taskId) => _running.ContainsKey(taskId);

    /// <summary>Cancels the task if this replica runs it; true when it did.</summary>
    public bool Cancel(Guid taskId)
    {
        if (_running.TryGetValue(taskId, out var cancel))
        {
            cancel.Cancel();
            return true;
        }

        return false;
    }
}
