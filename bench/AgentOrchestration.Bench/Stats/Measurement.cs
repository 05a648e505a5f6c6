namespace AgentOrchestration.Bench.Stats;

/// <summary>
/// One row of the results: a scenario (or baseline) at one concurrency. Throughput counts successful operations per
/// second of the measured window; latencies cover successful operations only; any failure counts in Errors.
/// </summary>
public sealed record Measurement(
    string Id,
    string Name,
    int Concurrency,
    double DurationSeconds,
    long Operations,
    long Errors,
    double Throughput,
    LatencySummary Latency,
    string? Note = null,
    IReadOnlyList<string>? ErrorSamples = null);
