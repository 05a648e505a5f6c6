using System.Collections.Concurrent;
using System.Diagnostics;
using AgentOrchestration.Bench.Stats;

namespace AgentOrchestration.Bench.Load;

/// <summary>
/// One operation of a scenario: null when it succeeded, else a short description of the failure. The worker index
/// lets a scenario keep per-worker state (an MCP client, a name counter) without locks.
/// </summary>
public delegate Task<string?> Operation(int worker, CancellationToken cancellationToken);

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers each send the next request as soon as the previous one
/// answered, first for the warm-up (JIT, connection pools, caches), then for the measured window. Closed loop means
/// the offered load adapts to the server, so throughput at a concurrency is what the system sustains, and latency
/// is not inflated by a queue in the generator (no coordinated-omission correction is needed for that reason).
/// </summary>
public static class LoadRunner
{
    private const int MaxErrorSamples = 5;

    /// <summary>
    /// Runs the operation and measures every call that completed inside the window. Failures count as errors
    /// wherever they happen (warm-up included): the targets require none at all.
    /// </summary>
    public static Task<Measurement> RunAsync(
        string id, string name, int concurrency, TimeSpan warmup, TimeSpan duration, Operation operation, CancellationToken cancellationToken) =>
        RunAsync(id, name, concurrency, LoadWindow.StartingNow(warmup, duration), operation, cancellationToken);

    public static async Task<Measurement> RunAsync(
        string id, string name, int concurrency, LoadWindow window, Operation operation, CancellationToken cancellationToken)
    {
        var measureTo = window.To;
        var duration = window.Duration;
        var histograms = new LatencyHistogram[concurrency];
        var errors = 0L;
        var samples = new ConcurrentQueue<string>();

        async Task WorkerAsync(int worker)
        {
            var histogram = histograms[worker] = new LatencyHistogram();
            while (!cancellationToken.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= measureTo)
                {
                    return;
                }

                string? failure;
                try
                {
                    failure = await operation(worker, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failure = $"{ex.GetType().Name}: {ex.Message}";
                }

                var after = Stopwatch.GetTimestamp();
                if (failure is not null)
                {
                    Interlocked.Increment(ref errors);
                    if (samples.Count < MaxErrorSamples)
                    {
                        samples.Enqueue(failure.Length > 300 ? failure[..300] : failure);
                    }
                }
                else if (window.Contains(after))
                {
                    histogram.Record(Stopwatch.GetElapsedTime(before, after));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(w), cancellationToken)));

        var merged = new LatencyHistogram();
        foreach (var histogram in histograms)
        {
            merged.Add(histogram);
        }

        var summary = merged.Summarize();
        return new Measurement(id, name, concurrency, duration.TotalSeconds, summary.Count, errors,
            Math.Round(summary.Count / duration.TotalSeconds, 1), summary, ErrorSamples: [.. samples.Distinct()]);
    }
}

/// <summary>The measured window in <see cref="Stopwatch"/> timestamps, after the warm-up that starts now.</summary>
public sealed record LoadWindow(long From, long To)
{
    public TimeSpan Duration => Stopwatch.GetElapsedTime(From, To);

    public bool Contains(long timestamp) => timestamp >= From && timestamp <= To;

    public static LoadWindow StartingNow(TimeSpan warmup, TimeSpan duration)
    {
        var from = Stopwatch.GetTimestamp() + Ticks(warmup);
        return new LoadWindow(from, from + Ticks(duration));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
