using System.Collections.Concurrent;
using AgentOrchestration.TaskService.Tasks.Model;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// In-process notice boards: who is waiting for which task to finish, and how to cancel a task this replica runs.
/// A task finishing on another replica is found by the waiters' database poll instead.
/// </summary>
public sealed class TaskSignals
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Waiters> _finished = [];
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    /// <summary>
    /// Registers a wait for the task's end; disposing the registration (always: in a finally or with using) removes it,
    /// whether the wait ended, timed out or the client went away, so nothing is left behind.
    /// </summary>
    public Waiter WaitForFinish(Guid taskId)
    {
        lock (_lock)
        {
            if (!_finished.TryGetValue(taskId, out var waiters))
            {
                _finished[taskId] = waiters = new Waiters();
            }

            waiters.Count++;
            return new Waiter(this, taskId, waiters.Done.Task);
        }
    }

    /// <summary>Waits registered and not yet disposed (for tests and diagnostics).</summary>
    public int WaitingCount
    {
        get
        {
            lock (_lock)
            {
                return _finished.Count;
            }
        }
    }

    /// <summary>Wakes the task's waiters; <paramref name="view"/> is the finished task (from the runner's memory), if known.</summary>
    public void Finished(Guid taskId, TaskView? view = null)
    {
        Waiters? waiters;
        lock (_lock)
        {
            _finished.Remove(taskId, out waiters);
        }

        waiters?.Done.TrySetResult(view);
    }

    private void Forget(Guid taskId, Task<TaskView?> done)
    {
        lock (_lock)
        {
            // Only the registration's own entry: the task may have finished and been waited for anew since.
            if (_finished.TryGetValue(taskId, out var waiters) && waiters.Done.Task == done && --waiters.Count == 0)
            {
                _finished.Remove(taskId);
            }
        }
    }

    public void Running(Guid taskId, CancellationTokenSource cancel) => _running[taskId] = cancel;

    public void NotRunning(Guid taskId) => _running.TryRemove(taskId, out _);

    public int RunningCount => _running.Count;

    public bool IsRunningHere(Guid taskId) => _running.ContainsKey(taskId);

    /// <summary>Cancels the task if this replica runs it; true when it did.</summary>
    public bool Cancel(Guid taskId)
    {
        if (_running.TryGetValue(taskId, out var cancel))
        {
            try
            {
                cancel.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false; // it has just finished
            }
        }

        return false;
    }

    private sealed class Waiters
    {
        public TaskCompletionSource<TaskView?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }
    }

    /// <summary>One wait for a task's end.</summary>
    public sealed class Waiter(TaskSignals signals, Guid taskId, Task<TaskView?> finished) : IDisposable
    {
        private int _disposed;

        /// <summary>Completes when the task ends here, with the finished task when the runner had it in memory.</summary>
        public Task<TaskView?> Finished => finished;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                signals.Forget(taskId, finished);
            }
        }
    }
}
