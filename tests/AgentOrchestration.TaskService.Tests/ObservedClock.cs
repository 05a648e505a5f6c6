using Microsoft.Extensions.Time.Testing;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// A fake clock that tells the test which timers the engine sets on it (a backoff, a heartbeat, a deadline, the
/// worker's idle poll), so a test advances time exactly when the engine waits, instead of sleeping and hoping.
/// A timer the engine sets on the system clock instead never shows up here, which is how a test sees that the
/// engine's time is not plumbed through.
/// </summary>
public sealed class ObservedClock : FakeTimeProvider
{
    /// <summary>Far from the wall clock, so nothing written with real time is ever "due" on this one.</summary>
    public static readonly DateTimeOffset Epoch = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly Dictionary<TimeSpan, int> _created = [];
    private readonly List<(TimeSpan Due, int Count, TaskCompletionSource Done)> _waiters = [];

    public ObservedClock() : base(Epoch)
    {
    }

    /// <summary>
    /// Timers due within this are fired at once by moving the clock on (for runs that should not wait for a test to
    /// advance time, such as the property test's backoffs); null leaves every timer to the test.
    /// </summary>
    public TimeSpan? AdvanceOnShortWaits { get; set; }

    public TimeSpan Elapsed => GetUtcNow() - Epoch;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        var due = Whole(dueTime);
        List<TaskCompletionSource> done = [];
        lock (_lock)
        {
            var count = _created[due] = _created.GetValueOrDefault(due) + 1;
            foreach (var waiter in _waiters.Where(w => w.Due == due && w.Count <= count).ToList())
            {
                _waiters.Remove(waiter);
                done.Add(waiter.Done);
            }
        }

        done.ForEach(d => d.TrySetResult());
        if (AdvanceOnShortWaits is { } shortWait && dueTime > TimeSpan.Zero && dueTime <= shortWait)
        {
            _ = Task.Run(() => Advance(dueTime));
        }

        return timer;
    }

    /// <summary>Completes once the engine has set <paramref name="count"/> timers due after <paramref name="dueTime"/> in all.</summary>
    public Task TimerSetAsync(TimeSpan dueTime, int count = 1)
    {
        dueTime = Whole(dueTime);
        lock (_lock)
        {
            if (_created.GetValueOrDefault(dueTime) >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, count, done));
            return WaitAsync(done.Task, dueTime, count);
        }
    }

    /// <summary>Task.Delay passes whole milliseconds (10 s / 3 becomes 3.333 s): timers are told apart by those.</summary>
    private static TimeSpan Whole(TimeSpan dueTime) => TimeSpan.FromMilliseconds(Math.Floor(dueTime.TotalMilliseconds));

    private async Task WaitAsync(Task done, TimeSpan dueTime, int count)
    {
        try
        {
            await done.WaitAsync(Eventually.Limit);
        }
        catch (TimeoutException)
        {
            string set;
            lock (_lock)
            {
                set = string.Join(", ", _created.Select(c => $"{c.Value} x {c.Key}"));
            }

            throw new TimeoutException($"The engine did not set timer #{count} due after {dueTime} on this clock (it set: {set}).");
        }
    }
}

/// <summary>Awaiting observable state with a generous bound: a test that waits here fails (never hangs) when the engine is broken.</summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>Polls <paramref name="probe"/> (a database read) until <paramref name="done"/> holds; returns the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var until = DateTime.UtcNow + Limit;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Still not {what} after {Limit.TotalSeconds} s.");
            }

            await Task.Delay(10);
        }
    }
}
