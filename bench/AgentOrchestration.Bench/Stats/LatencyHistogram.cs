using HdrHistogram;

namespace AgentOrchestration.Bench.Stats;

/// <summary>
/// Latencies in microseconds, kept in an HdrHistogram: constant memory whatever the request count, and percentiles
/// accurate to 3 significant digits. Not thread-safe: each load worker records into its own and they are merged.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>One minute; anything slower is clamped (a request that slow is a failure of its own anyway).</summary>
    public const long MaxMicroseconds = 60_000_000;

    private readonly LongHistogram _histogram = new(MaxMicroseconds, 3);

    public long Count => _histogram.TotalCount;

    public void Record(TimeSpan latency) => RecordMicroseconds((long)latency.TotalMicroseconds);

    public void RecordMicroseconds(long microseconds) => _histogram.RecordValue(Math.Clamp(microseconds, 1, MaxMicroseconds));

    public void Add(LatencyHistogram other) => _histogram.Add(other._histogram);

    /// <summary>Percentiles in milliseconds; all zero when nothing was recorded.</summary>
    public LatencySummary Summarize()
    {
        if (Count == 0)
        {
            return LatencySummary.Empty;
        }

        return new LatencySummary(
            Count,
            Ms(_histogram.GetMean()),
            Ms(_histogram.GetValueAtPercentile(50)),
            Ms(_histogram.GetValueAtPercentile(95)),
            Ms(_histogram.GetValueAtPercentile(99)),
            Ms(_histogram.GetMaxValue()));
    }

    private static double Ms(double microseconds) => Math.Round(microseconds / 1000.0, 3);
}

/// <summary>Latency percentiles of one measurement, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);
}
